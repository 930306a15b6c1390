"""Invented article texts for the demo web (taken from the invented pages in samples/).

Every outlet, person, place and event here is made up; see samples/README.md. The AP credit
is there because wire credits are the kind of boilerplate wirewash has to handle.
"""
STORIES: dict[str, dict] = {'atlanticstandard-vila-serrada-dry-taps': {'title': 'Night-time cuts and a desalination barge: inside the '
                                                     'Algarve town bracing for dry taps',
                                            'author': 'Marta Quintela',
                                            'published': '2026-11-20T17:40:00Z',
                                            'paragraphs': ['VILA SERRADA — When the night-time supply cuts '
                                                           'begin on 1 December, António Reis Falcão expects '
                                                           'his phone to start ringing at about five past '
                                                           'eleven.',
                                                           '"Someone will have forgotten to fill the kettle, '
                                                           'someone\'s washing machine will stop halfway," '
                                                           'said the mayor, who has run this hillside town '
                                                           'of 9,000 for six years. "People are patient '
                                                           'here. But patience is also a resource, and we '
                                                           'have been spending it since the spring."',
                                                           'On Friday the government in Lisbon confirmed '
                                                           'what engineers had been predicting for weeks. '
                                                           'With the Ribeira Funda reservoir down to 11 per '
                                                           'cent of what it can hold, households in 14 '
                                                           'southern municipalities will lose their mains '
                                                           'water every night from 11pm until 6am. Farms on '
                                                           "the reservoir's irrigation network face a 40 per "
                                                           'cent reduction in their allowance, at least '
                                                           'until the end of February.',
                                                           'Helena Castro Vaz, the environment minister, '
                                                           'described the package as a bridge to the next '
                                                           'rainy season rather than a solution. Her '
                                                           'ministry has earmarked €38m, much of it for '
                                                           'tanker lorries to serve scattered hamlets in the '
                                                           'hills and for a leased desalination vessel that '
                                                           "is due to anchor off Vila Serrada's shingle "
                                                           'beach in January.',
                                                           'Few people in town seemed surprised. The bed of '
                                                           'the reservoir, a half-hour drive north, has '
                                                           'become a weekend attraction of sorts: families '
                                                           'walk across cracked clay to the stone walls of a '
                                                           'farmhouse that was flooded when the dam was '
                                                           'completed and that has not been seen since the '
                                                           '1990s.',
                                                           'At the municipal depot, workers were fitting '
                                                           'pressure valves to the network so that pipes do '
                                                           'not empty completely overnight, a step that the '
                                                           'national water authority says reduces leaks and '
                                                           'air locks when supply resumes. Rui Monteiro '
                                                           "Alves, the authority's head for the south, "
                                                           'visited on Thursday. "Vila Serrada did its '
                                                           'homework," he told the Standard. "Some of the '
                                                           'coastal towns with big hotels did not."',
                                                           "The town's residents have already trimmed their "
                                                           'consumption by close to 20 per cent, according '
                                                           'to the council, helped by a ban on filling '
                                                           'private pools and the closure of both public '
                                                           'ones in August. Cafés now serve water only on '
                                                           'request.',
                                                           'Out on the irrigated plain, the mood is darker. '
                                                           'Joaquina Bettencourt walked the rows of her '
                                                           'almond orchard on Friday afternoon with a '
                                                           'printout of her new allocation folded in her '
                                                           'pocket. She farms 60 hectares, split between '
                                                           'almonds and oranges, and said she would probably '
                                                           'let the oldest orange grove go.',
                                                           '"My father planted those trees the year I was '
                                                           'born," she said. "I can keep them alive or I can '
                                                           'keep the young almonds alive. Not both."',
                                                           "The farmers' confederation is pressing for "
                                                           'compensation and a freeze on water charges. '
                                                           'Officials say the measures will be reviewed '
                                                           'every fortnight. Forecasters, for now, offer '
                                                           'little comfort: the south has received roughly a '
                                                           'third of its normal autumn rainfall.']},
 'baysidegazette-bakery-harbour-street': {'title': 'A crème brûlée worth queueing for: Renée Glück’s bakery '
                                                   'opens on Harbour Street',
                                          'author': 'Priya Castellane',
                                          'published': '2026-11-22T09:00:00Z',
                                          'paragraphs': ['The queue outside number 14 Harbour Street started '
                                                         'forming at 7.30 on Saturday morning – a full '
                                                         'half-hour before Renée Glück unlocked the door of '
                                                         'her new bakery, Brot & Crème, and began handing '
                                                         'out the first warm loaves.',
                                                         '“I was worried nobody would come,” said Glück, 38, '
                                                         'who grew up between Zürich and Lyon and trained as '
                                                         'a pastry cook in both cities before moving to the '
                                                         'coast with her partner three years ago. “Then I '
                                                         'looked out of the window and saw the line going '
                                                         'past the chemist’s. I had to sit down for a '
                                                         'minute.”',
                                                         'The shop, which takes over the former premises of '
                                                         'a long-closed shoe repairer, is small: six stools '
                                                         'along a counter, a glass cabinet and a wall of '
                                                         'bread baskets. What it sells is a deliberate mix '
                                                         'of the two traditions Glück knows best. There are '
                                                         'dense rye loaves and braided Zopf on weekends, a '
                                                         'walnut-and-caramel Nusstorte from the Engadin, and '
                                                         'French classics such as pain au chocolat, tarte au '
                                                         'citron and a crème brûlée that several customers '
                                                         'on Saturday described, unprompted, as “dangerous”.',
                                                         'Prices are not cheap – a slice of Nusstorte costs '
                                                         '€4.80 and a large sourdough €6.50 – but Glück says '
                                                         'she has kept them as low as she can. “Butter has '
                                                         'doubled in price in two years,” she said. “I use '
                                                         'good flour from a mill up the valley, and I’m not '
                                                         'going to stop doing that.”',
                                                         'Her partner, Théo Marchetti, handles the coffee, '
                                                         'made on a second-hand Italian machine that the '
                                                         'couple restored over the winter. He also built '
                                                         'most of the furniture himself, using timber '
                                                         'salvaged from a fishing shed that was demolished '
                                                         'further along the quay.',
                                                         'Harbour Street has had a difficult decade. Two '
                                                         'banks, a bookshop and a hardware store have closed '
                                                         'since 2018, and the street’s traders’ association '
                                                         'says around one unit in five is empty. Its chair, '
                                                         'Dominic Apfelbaum, said new independent businesses '
                                                         'were “exactly what the street needs”.',
                                                         '“People will walk a long way for good bread,” he '
                                                         'said. “If they come for a croissant and then buy a '
                                                         'newspaper or a bunch of flowers on the way back, '
                                                         'everyone benefits.”',
                                                         'Brot & Crème is open Wednesday to Sunday from 8am '
                                                         'until it sells out, which on opening day was '
                                                         'shortly after one o’clock. Glück says she plans to '
                                                         'add a small lunch menu in the spring – “soup, '
                                                         'bread, cheese, nothing fancy” – and hopes '
                                                         'eventually to run weekend baking classes for '
                                                         'children.']},
 'eurofront-portugal-almond-citrus-exports': {'title': "Portugal's drought rationing puts Algarve almond and "
                                                       'citrus exports at risk',
                                              'author': 'Daniel Okafor-Lund',
                                              'published': '2026-11-20T14:05:00Z',
                                              'paragraphs': ["BRUSSELS — Portugal's decision to ration water "
                                                             'across its southern region is likely to shave '
                                                             "a significant share off next year's almond and "
                                                             'citrus output, growers and traders warned on '
                                                             'Friday, as the country joins a growing list of '
                                                             'Mediterranean producers struggling with '
                                                             'back-to-back dry winters.',
                                                             'The environment ministry in Lisbon said '
                                                             'irrigation allocations from the Ribeira Funda '
                                                             'reservoir, which serves most of the farmland '
                                                             'in the south, would be cut by 40% from 1 '
                                                             'December. The reservoir is at 11% of capacity. '
                                                             'Domestic users in 14 municipalities will also '
                                                             'have their supply switched off overnight.',
                                                             'Environment minister Helena Castro Vaz '
                                                             'presented a €38 million emergency budget, '
                                                             'largely for water trucks and a chartered '
                                                             'desalination ship. Agriculture, which accounts '
                                                             'for the bulk of water drawn from the '
                                                             'reservoir, received no direct support in '
                                                             "Friday's package.",
                                                             'Paulo Seixas Brandão, president of the '
                                                             "national farmers' confederation, said that was "
                                                             'a mistake. "Every hectare that goes dry this '
                                                             'winter is a hectare that exports nothing for '
                                                             'years," he said in an interview. "We will ask '
                                                             'Lisbon for compensation, and we will ask '
                                                             'Brussels whether the agricultural reserve can '
                                                             'be opened."',
                                                             'Get the Eurofront Agri Brief every Tuesday and '
                                                             'Friday.',
                                                             'The southern plain is a modest player in '
                                                             'global almond markets, which are dominated by '
                                                             'California, but it has grown quickly over the '
                                                             'past decade as investors planted intensive '
                                                             'orchards on former cereal land. Its oranges, '
                                                             'sold mainly into Spain, France and Germany, '
                                                             'are a more established business. Two exporters '
                                                             'contacted by Eurofront said they expected '
                                                             'volumes to fall by between a fifth and a third '
                                                             'in the 2027 season if the restrictions run '
                                                             'into spring.',
                                                             'Growers face a stark trade-off. Joaquina '
                                                             'Bettencourt, who farms 60 hectares of almonds '
                                                             'and oranges near the town of Vila Serrada, '
                                                             'told a regional broadcaster that she would '
                                                             'have to sacrifice part of her orchards to keep '
                                                             'the rest alive.',
                                                             'The national water authority has said inflows '
                                                             'to the Ribeira Funda dam since September were '
                                                             'less than a third of normal. Its southern '
                                                             'director, Rui Monteiro Alves, has argued that '
                                                             "the reservoir's design, dating from the 1970s, "
                                                             'leaves it exposed to high evaporation losses '
                                                             'in warm autumns such as this one.',
                                                             'Analysts said the episode would sharpen a '
                                                             "long-running debate about whether the region's "
                                                             'farm expansion is sustainable. "The water '
                                                             'maths did not add up even before this '
                                                             'drought," said Ines Marlow, a commodities '
                                                             'analyst at the consultancy Halberd Agri in '
                                                             'Rotterdam. "Rationing forces the question that '
                                                             'investors have been avoiding."',
                                                             'The European Commission said it was in contact '
                                                             'with Portuguese authorities and was monitoring '
                                                             'the situation. The restrictions will be '
                                                             'reviewed every two weeks.']},
 'harbourledger-portugal-water-rationing': {'title': 'Portugal rations water in the south as Ribeira Funda '
                                                     'reservoir drops to 11%',
                                            'author': 'Lucia Ferreira Dantas, Associated Press',
                                            'published': '2026-11-20T08:15:00Z',
                                            'paragraphs': ['LISBON (AP) — Portugal’s government on Friday '
                                                           'ordered water rationing across 14 municipalities '
                                                           'in the country’s south, after the reservoir that '
                                                           'supplies most of the region fell to 11% of its '
                                                           'capacity following a third consecutive year of '
                                                           'scant autumn rain.',
                                                           'Environment Minister Helena Castro Vaz said '
                                                           'household supplies would be cut overnight, from '
                                                           '11 p.m. to 6 a.m., starting Dec. 1, and that '
                                                           'farms drawing on the Ribeira Funda reservoir '
                                                           'would see their allocations reduced by 40% until '
                                                           'at least the end of February.',
                                                           '“We are not talking about an inconvenience any '
                                                           'more. We are talking about whether the taps in '
                                                           'some villages will run in March,” Castro Vaz '
                                                           'told reporters at the ministry in Lisbon. “Every '
                                                           'liter saved this winter is a liter we will need '
                                                           'in the summer.”',
                                                           'The government set aside 38 million euros ($41 '
                                                           'million) for emergency measures, including a '
                                                           'fleet of tanker trucks for the most isolated '
                                                           'hamlets and the lease of a floating desalination '
                                                           'unit that officials hope to moor off the coast '
                                                           'near the town of Vila Serrada by mid-January.',
                                                           'Engineers at the national water authority said '
                                                           'the Ribeira Funda dam, built in the 1970s, had '
                                                           'recieved less than a third of its usual inflow '
                                                           'since September. Rui Monteiro Alves, who heads '
                                                           'the authority’s southern division, said '
                                                           'evaporation during an unusually warm October had '
                                                           'made matters worse.',
                                                           '“The numbers have been going in one direction '
                                                           'for months,” Monteiro Alves said. “We warned the '
                                                           'municipalities in the spring that this could '
                                                           'happen, and most of them have been preparing.”',
                                                           'In Vila Serrada, a town of about 9,000 people at '
                                                           'the edge of the irrigation district, Mayor '
                                                           'António Reis Falcão said residents had already '
                                                           'cut consumption by nearly a fifth through '
                                                           'voluntary measures, and that the town’s two '
                                                           'public swimming pools had been closed since '
                                                           'August.',
                                                           'Farmers were less sanguine. Joaquina '
                                                           'Bettencourt, who grows citrus and almonds on 60 '
                                                           'hectares (150 acres) outside the town, said a '
                                                           '40% cut would force her to choose which orchards '
                                                           'to keep alive. “You cannot tell a tree to wait '
                                                           'until next year,” she said. “If it dies, it’s '
                                                           'ten years before you get a harvest again.”',
                                                           'The national farmers’ confederation said it '
                                                           'would ask the goverment for compensation and for '
                                                           'a temporary suspension of water fees in the '
                                                           'affected area, and that it had requested an '
                                                           'urgent meeting with the agriculture ministry.',
                                                           'Scientists have warned for years that southern '
                                                           'Portugal, like much of the Mediterranean, faces '
                                                           'longer and more frequent droughts as the climate '
                                                           'warms. The country’s meteorological institute '
                                                           'said this week that rainfall in the south since '
                                                           'October had been about 35% of the long-term '
                                                           'average.',
                                                           'Castro Vaz said the measures would be reviewed '
                                                           'every two weeks and lifted early if heavy rain '
                                                           'returned. She urged people across the country, '
                                                           'not only in the south, to limit thier use of '
                                                           'water for gardens, swimming pools and car '
                                                           'washing.',
                                                           'Opposition lawmakers criticized the government '
                                                           'for not acting sooner, saying the warning signs '
                                                           'had been visible since the summer. A '
                                                           'parliamentary debate on the country’s long-term '
                                                           'water strategy is scheduled for next week.']},
 'kreisbote-oberwendel-radbruecke': {'title': 'Neue Radbrücke über die Wendel nach zwei Jahren Bauzeit '
                                              'freigegeben',
                                     'author': 'Sabine Kettelhorn',
                                     'published': '2026-11-21T10:45:00+01:00',
                                     'paragraphs': ['Oberwendel. Nach fast zwei Jahren Bauzeit ist die neue '
                                                    'Rad- und Fußgängerbrücke über die Wendel am '
                                                    'Samstagvormittag offiziell freigegeben worden. Rund 300 '
                                                    'Besucherinnen und Besucher verfolgten, wie '
                                                    'Bürgermeister Jörg Albrecht-Bensing gemeinsam mit '
                                                    'Schülerinnen der Grundschule am Mühlbach das Band '
                                                    'durchschnitt.',
                                                    'Die 86 Meter lange Stahlbrücke verbindet den Ortskern '
                                                    'von Oberwendel mit dem Neubaugebiet Am Lindenhang und '
                                                    'dem Bahnhof auf der anderen Flussseite. Bisher mussten '
                                                    'Radfahrer einen Umweg von gut zwei Kilometern über die '
                                                    'stark befahrene Landstraße nehmen. „Viele Eltern haben '
                                                    'ihre Kinder deshalb lieber mit dem Auto zur Schule '
                                                    'gebracht“, sagte Albrecht-Bensing in seiner Ansprache. '
                                                    '„Das soll sich jetzt ändern.“',
                                                    'Die Kosten für das Bauwerk liegen nach Angaben der '
                                                    'Gemeinde bei rund 4,2 Millionen Euro, gut 700.000 Euro '
                                                    'mehr als ursprünglich veranschlagt. Den größten Teil '
                                                    'trägt das Land über ein Förderprogramm für den '
                                                    'Radverkehr, die Gemeinde selbst beteiligt sich mit etwa '
                                                    '1,1 Millionen Euro. Grund für die Mehrkosten seien vor '
                                                    'allem gestiegene Stahlpreise und ein Hochwasser im '
                                                    'vergangenen Frühjahr gewesen, das die Arbeiten an den '
                                                    'Fundamenten um mehrere Wochen verzögert habe, '
                                                    'erläuterte Bauamtsleiterin Miriam Okonkwo-Hessler.',
                                                    'Die Brücke ist vier Meter breit und nachts beleuchtet. '
                                                    'In der Mitte gibt es eine kleine Aussichtsplattform mit '
                                                    'Blick auf das Wehr und die alte Ölmühle. Für die '
                                                    'Beleuchtung setzt die Gemeinde auf sparsame '
                                                    'LED-Leuchten, die sich bei fehlendem Verkehr '
                                                    'automatisch herunterdimmen.',
                                                    'Nicht alle sind mit dem Ergebnis zufrieden. Anwohner '
                                                    'der Uferstraße hatten während der Planung kritisiert, '
                                                    'dass für die Zufahrtsrampe mehrere alte Kastanien '
                                                    'gefällt werden mussten. Die Gemeinde hat inzwischen '
                                                    'zwölf junge Bäume am Flussufer nachgepflanzt. „Es wird '
                                                    'ein paar Jahre dauern, bis das wieder so aussieht wie '
                                                    'vorher“, räumte Albrecht-Bensing ein.',
                                                    'Der Allgemeine Radfahrerverein Wendeltal begrüßte die '
                                                    'Eröffnung. Vorsitzender Henrik Sadowski sprach von '
                                                    'einem „Lückenschluss, auf den wir seit zwanzig Jahren '
                                                    'warten“. Als Nächstes müsse nun der Radweg entlang der '
                                                    'Landstraße nach Unterwendel ausgebaut werden.',
                                                    'Zur Eröffnung hatte die Gemeinde ein kleines Fest '
                                                    'organisiert. Der Musikverein spielte, die Freiwillige '
                                                    'Feuerwehr verkaufte Bratwurst, und die Grundschulkinder '
                                                    'hatten Bilder zum Thema Brücken gemalt, die noch bis '
                                                    'Ende des Monats im Rathaus ausgestellt sind.']},
 'midlandcourier-ashcombe-rovers-county-cup': {'title': 'Ashcombe Rovers end 41-year wait for the county cup '
                                                        'in penalty shoot-out',
                                               'author': 'Tom Earnshaw',
                                               'published': '2026-11-21T19:30:00Z',
                                               'paragraphs': ['TOM EARNSHAW Courier sports writer | Nov 21, '
                                                              '2026',
                                                              'Ashcombe Rovers lifted the Harlow Vale County '
                                                              'Cup for the first time since 1985 on '
                                                              'Saturday, beating holders Kettleby Town 5-4 '
                                                              'on penalties after a 2-2 draw at a '
                                                              'rain-soaked Fenwick Park.',
                                                              'Goalkeeper Callum Reddish was the hero, '
                                                              'diving to his left to keep out Kettleby '
                                                              "captain Sam Otway's fifth spot-kick before "
                                                              'being buried under a pile of team-mates in '
                                                              'front of the 1,100 travelling supporters '
                                                              'packed behind the goal.',
                                                              '"I\'d watched him take penalties in the '
                                                              'warm-up and he went to the same side every '
                                                              'time," Reddish said afterwards, still in his '
                                                              'muddy kit. "I just had to hope he hadn\'t '
                                                              'noticed me watching."',
                                                              'It was a final that swung back and forth. '
                                                              'Kettleby, chasing a third straight cup, took '
                                                              'the lead after 14 minutes when winger Dele '
                                                              'Afolabi cut inside from the right and curled '
                                                              'a shot beyond Reddish. Rovers levelled just '
                                                              'before half-time through a scrappy finish '
                                                              'from centre-back Josh Partington, who bundled '
                                                              'the ball in from a corner.',
                                                              'Ashcombe went ahead for the first time on the '
                                                              'hour when substitute Ryan Mbeki, on the pitch '
                                                              'for barely two minutes, ran onto a long ball '
                                                              'from Partington and lifted it over the '
                                                              "advancing keeper. But Kettleby's experience "
                                                              'showed late on, and Otway headed an equaliser '
                                                              'from a free-kick with four minutes of normal '
                                                              'time remaining.',
                                                              'Extra time produced few chances on a pitch '
                                                              'that had turned to mud in front of both '
                                                              'goals, and the tie went to penalties. Both '
                                                              "sides scored their first four before Otway's "
                                                              "miss, leaving Rovers' teenage midfielder "
                                                              'Harvey Lund to win it. The 17-year-old, who '
                                                              'made his first-team debut in September, sent '
                                                              'the keeper the wrong way.',
                                                              'Manager Gail Prentice, who played for the '
                                                              "club's women's side before moving into "
                                                              'coaching, said the win belonged to the town. '
                                                              '"We\'ve had people here today who were at the '
                                                              '1985 final with their parents, and now '
                                                              'they\'ve brought their own kids," she said. '
                                                              '"This club has been through some hard years. '
                                                              'Days like this are why people keep coming '
                                                              'back."',
                                                              'Kettleby manager Neil Hargreaves was gracious '
                                                              'in defeat. "Over 120 minutes there wasn\'t '
                                                              'much between us," he said. "Penalties are '
                                                              'cruel, but Ashcombe deserved their moment."',
                                                              'The victory earns Rovers a place in next '
                                                              "season's regional Challenge Trophy. The club "
                                                              'said the cup would be on display at the '
                                                              'Ashcombe clubhouse on Sunday afternoon, with '
                                                              'the squad due to parade it through the town '
                                                              'centre later in the week.']},
 'midlandcourier-portugal-drought-cuts': {'title': 'Drought forces Portugal to cut water supplies overnight '
                                                   'in 14 towns',
                                          'author': 'Lucia Ferreira Dantas',
                                          'published': '2026-11-20T08:15:00Z',
                                          'paragraphs': ["LISBON (AP) — Portugal's government on Friday "
                                                         'ordered water rationing across 14 municipalities '
                                                         "in the country's south, after the reservoir that "
                                                         'supplies most of the region fell to 11% of its '
                                                         'capacity following a third consecutive year of '
                                                         'scant autumn rain.',
                                                         'Environment Minister Helena Castro Vaz said '
                                                         'household supplies would be cut overnight, from 11 '
                                                         'p.m. to 6 a.m., starting Dec. 1, and that farms '
                                                         'drawing on the Ribeira Funda reservoir would see '
                                                         'their allocations reduced by 40% until at least '
                                                         'the end of February.',
                                                         '"We are not talking about an inconvenience any '
                                                         'more. We are talking about whether the taps in '
                                                         'some villages will run in March," Castro Vaz told '
                                                         'reporters at the ministry in Lisbon. "Every liter '
                                                         'saved this winter is a liter we will need in the '
                                                         'summer."',
                                                         'The government set aside 38 million euros ($41 '
                                                         'million) for emergency measures, including a fleet '
                                                         'of tanker trucks for the most isolated hamlets and '
                                                         'the lease of a floating desalination unit that '
                                                         'officials hope to moor off the coast near the town '
                                                         'of Vila Serrada by mid-January.',
                                                         'Engineers at the national water authority said the '
                                                         'Ribeira Funda dam, built in the 1970s, had '
                                                         'received less than a third of its usual inflow '
                                                         'since September. Rui Monteiro Alves, who heads the '
                                                         "authority's southern division, said evaporation "
                                                         'during an unusually warm October had made matters '
                                                         'worse.',
                                                         '"The numbers have been going in one direction for '
                                                         'months," Monteiro Alves said. "We warned the '
                                                         'municipalities in the spring that this could '
                                                         'happen, and most of them have been preparing."',
                                                         'In Vila Serrada, a town of about 9,000 people at '
                                                         'the edge of the irrigation district, Mayor António '
                                                         'Reis Falcão said residents had already cut '
                                                         'consumption by nearly a fifth through voluntary '
                                                         "measures, and that the town's two public swimming "
                                                         'pools had been closed since August.',
                                                         'Farmers were less sanguine. Joaquina Bettencourt, '
                                                         'who grows citrus and almonds on 60 hectares (150 '
                                                         'acres) outside the town, said a 40% cut would '
                                                         'force her to choose which orchards to keep alive. '
                                                         '"You cannot tell a tree to wait until next year," '
                                                         'she said. "If it dies, it\'s ten years before you '
                                                         'get a harvest again."',
                                                         "The national farmers' confederation said it would "
                                                         'ask the goverment for compensation and for a '
                                                         'temporary suspension of water fees in the affected '
                                                         'area, and that it had requested an urgent meeting '
                                                         'with the agriculture ministry.',
                                                         'Scientists have warned for years that southern '
                                                         'Portugal, like much of the Mediterranean, faces '
                                                         'longer and more frequent droughts as the climate '
                                                         "warms. The country's meteorological institute said "
                                                         'this week that rainfall in the south since October '
                                                         'had been about 35% of the long-term average.',
                                                         'Castro Vaz said the measures would be reviewed '
                                                         'every two weeks and lifted early if heavy rain '
                                                         'returned. She urged people across the country, not '
                                                         'only in the south, to limit thier use of water for '
                                                         'gardens, swimming pools and car washing.']},
 'northgatepost-portugal-nightly-water-cuts': {'title': 'Southern Portugal faces nightly water cuts as '
                                                        'drought empties main reservoir',
                                               'author': 'Lucia Ferreira Dantas (AP)',
                                               'published': '2026-11-20T08:15:00Z',
                                               'paragraphs': ['LISBON (AP) — Portugal’s government on Friday '
                                                              'ordered water rationing across 14 '
                                                              'municipalities in the country’s south, after '
                                                              'the reservoir that supplies most of the '
                                                              'region fell to 11% of its capacity following '
                                                              'a third consecutive year of scant autumn '
                                                              'rain.',
                                                              'Environment Minister Helena Castro Vaz said '
                                                              'household supplies would be cut overnight, '
                                                              'from 11 p.m. to 6 a.m., starting Dec. 1, and '
                                                              'that farms drawing on the Ribeira Funda '
                                                              'reservoir would see their allocations reduced '
                                                              'by 40% until at least the end of February.',
                                                              '“We are not talking about an inconvenience '
                                                              'any more. We are talking about whether the '
                                                              'taps in some villages will run in March,” '
                                                              'Castro Vaz told reporters at the ministry in '
                                                              'Lisbon. “Every liter saved this winter is a '
                                                              'liter we will need in the summer.”',
                                                              'The government set aside 38 million euros '
                                                              '($41 million) for emergency measures, '
                                                              'including a fleet of tanker trucks for the '
                                                              'most isolated hamlets and the lease of a '
                                                              'floating desalination unit that officials '
                                                              'hope to moor off the coast near the town of '
                                                              'Vila Serrada by mid-January.',
                                                              'Engineers at the national water authority '
                                                              'said the Ribeira Funda dam, built in the '
                                                              '1970s, had received less than a third of its '
                                                              'usual inflow since September. Rui Monteiro '
                                                              'Alves, who heads the authority’s southern '
                                                              'division, said evaporation during an '
                                                              'unusually warm October had made matters '
                                                              'worse.',
                                                              '“The numbers have been going in one direction '
                                                              'for months,” Monteiro Alves said. “We warned '
                                                              'the municipalities in the spring that this '
                                                              'could happen, and most of them have been '
                                                              'preparing.”',
                                                              'In Vila Serrada, a town of about 9,000 people '
                                                              'at the edge of the irrigation district, Mayor '
                                                              'António Reis Falcão said residents had '
                                                              'already cut consumption by nearly a fifth '
                                                              'through voluntary measures, and that the '
                                                              'town’s two public swimming pools had been '
                                                              'closed since August.',
                                                              'Farmers were less sanguine. Joaquina '
                                                              'Bettencourt, who grows citrus and almonds on '
                                                              '60 hectares (150 acres) outside the town, '
                                                              'said a 40% cut would force her to choose '
                                                              'which orchards to keep alive. “You cannot '
                                                              'tell a tree to wait until next year,” she '
                                                              'said. “If it dies, it’s ten years before you '
                                                              'get a harvest again.”',
                                                              'The national farmers’ confederation said it '
                                                              'would ask the government for compensation and '
                                                              'for a temporary suspension of water fees in '
                                                              'the affected area, and that it had requested '
                                                              'an urgent meeting with the agriculture '
                                                              'ministry.',
                                                              'Scientists have warned for years that '
                                                              'southern Portugal, like much of the '
                                                              'Mediterranean, faces longer and more frequent '
                                                              'droughts as the climate warms. The country’s '
                                                              'meteorological institute said this week that '
                                                              'rainfall in the south since October had been '
                                                              'about 35% of the long-term average.',
                                                              'Castro Vaz said the measures would be '
                                                              'reviewed every two weeks and lifted early if '
                                                              'heavy rain returned. She urged people across '
                                                              'the country, not only in the south, to limit '
                                                              'their use of water for gardens, swimming '
                                                              'pools and car washing.',
                                                              'Opposition lawmakers criticized the '
                                                              'government for not acting sooner, saying the '
                                                              'warning signs had been visible since the '
                                                              'summer. A parliamentary debate on the '
                                                              'country’s long-term water strategy is '
                                                              'scheduled for next week.',
                                                              'Editor’s note: This story has been updated to '
                                                              'correct the capacity of the Ribeira Funda '
                                                              'reservoir, which is at 11%, not 14% as an '
                                                              'earlier version stated.']},
 'caddon-ferry-fares': {'title': 'Port Caddon council freezes ferry fares for island residents through 2027',
                        'author': None,
                        'published': '2026-11-20T23:10:00Z',
                        'paragraphs': ['PORT CADDON — Island residents who rely on the Port Caddon ferry '
                                       'will pay the same fares next year after the city council voted 9-2 '
                                       'on Thursday night to freeze prices for local ticket holders, despite '
                                       'warnings that the service faces a growing deficit.',
                                       'The decision means a return trip for a registered resident of '
                                       'Sellick Island will stay at $6.40, and a monthly pass at $92. Fares '
                                       'for visitors and vehicles will rise by 5% from March.',
                                       'Councillor Imogen Fairweather, who proposed the freeze, said '
                                       'islanders had already absorbed two rises in three years. "For a lot '
                                       'of families, this boat is the only way to the hospital, the high '
                                       'school and the supermarket," she said. "It is a road, not a luxury."',
                                       "The city's finance director, Leon Abernethy, told councillors the "
                                       'ferry was expected to lose about $1.3 million this year, largely '
                                       'because of fuel and maintenance costs on the older of the two '
                                       'vessels. The freeze will add roughly $180,000 to that figure, he '
                                       'said, which will be covered from reserves.',
                                       'The two councillors who voted against, Marcus Thorne and Adaeze '
                                       'Whitlock, argued that the city should first commit to a long-term '
                                       'plan for replacing the 31-year-old MV Harriet Cole, which spent six '
                                       'weeks out of service for engine repairs this summer. Whitlock said '
                                       'the council was "choosing the popular vote over the difficult one".',
                                       'Ferry users have complained for months about cancellations. '
                                       'According to figures presented at the meeting, 212 scheduled '
                                       'sailings were cancelled between January and October, more than '
                                       'double the number in the same period last year, most of them while '
                                       'the Harriet Cole was laid up and the smaller relief boat ran a '
                                       'reduced timetable.',
                                       'A report on replacing the vessel, possibly with a hybrid-electric '
                                       'ferry, is due before the council in February. Island residents at '
                                       'the meeting applauded the result, and several said they would return '
                                       'to press the case for more late-evening sailings.']},
 'valleyrecord-portugal-water': {'title': 'Portugal imposes overnight water cuts as southern reservoir nears '
                                          'empty',
                                 'author': None,
                                 'published': '2026-11-20T09:02:00Z',
                                 'paragraphs': ["LISBON (AP) — Portugal's government on Friday ordered water "
                                                "rationing across 14 municipalities in the country's south, "
                                                'after the reservoir that supplies most of the region fell '
                                                'to 11% of its capacity following a third consecutive year '
                                                'of scant autumn rain.',
                                                'Environment Minister Helena Castro Vaz said household '
                                                'supplies would be cut overnight, from 11 p.m. to 6 a.m., '
                                                'starting Dec. 1, and that farms drawing on the Ribeira '
                                                'Funda reservoir would see their allocations reduced by 40% '
                                                'until at least the end of February.',
                                                '"We are not talking about an inconvenience any more. We are '
                                                'talking about whether the taps in some villages will run in '
                                                'March," Castro Vaz told reporters at the ministry in '
                                                'Lisbon. "Every liter saved this winter is a liter we will '
                                                'need in the summer."',
                                                'The government set aside 38 million euros ($41 million) for '
                                                'emergency measures, including a fleet of tanker trucks for '
                                                'the most isolated hamlets and the lease of a floating '
                                                'desalination unit that officials hope to moor off the coast '
                                                'near the town of Vila Serrada by mid-January.',
                                                'Engineers at the national water authority said the Ribeira '
                                                'Funda dam, built in the 1970s, had recieved less than a '
                                                'third of its usual inflow since September. Rui Monteiro '
                                                "Alves, who heads the authority's southern division, said "
                                                'evaporation during an unusually warm October had made '
                                                'matters worse.',
                                                '"The numbers have been going in one direction for months," '
                                                'Monteiro Alves said. "We warned the municipalities in the '
                                                'spring that this could happen, and most of them have been '
                                                'preparing."',
                                                'In Vila Serrada, a town of about 9,000 people at the edge '
                                                'of the irrigation district, Mayor António Reis Falcão said '
                                                'residents had already cut consumption by nearly a fifth '
                                                "through voluntary measures, and that the town's two public "
                                                'swimming pools had been closed since August.',
                                                'Farmers were less sanguine. Joaquina Bettencourt, who grows '
                                                'citrus and almonds on 60 hectares (150 acres) outside the '
                                                'town, said a 40% cut would force her to choose which '
                                                'orchards to keep alive. "You cannot tell a tree to wait '
                                                'until next year," she said. "If it dies, it\'s ten years '
                                                'before you get a harvest again."',
                                                "The national farmers' confederation said it would ask the "
                                                'goverment for compensation and for a temporary suspension '
                                                'of water fees in the affected area, and that it had '
                                                'requested an urgent meeting with the agriculture ministry.',
                                                'Scientists have warned for years that southern Portugal, '
                                                'like much of the Mediterranean, faces longer and more '
                                                "frequent droughts as the climate warms. The country's "
                                                'meteorological institute said this week that rainfall in '
                                                'the south since October had been about 35% of the long-term '
                                                'average.',
                                                'Castro Vaz said the measures would be reviewed every two '
                                                'weeks and lifted early if heavy rain returned. She urged '
                                                'people across the country, not only in the south, to limit '
                                                'thier use of water for gardens, swimming pools and car '
                                                'washing.',
                                                'Opposition lawmakers criticized the government for not '
                                                'acting sooner, saying the warning signs had been visible '
                                                "since the summer. A parliamentary debate on the country's "
                                                'long-term water strategy is scheduled for next week.']},
 'brannock-library-reopens': {'title': 'Brannock library reopens after eight months of flood repairs',
                              'author': 'Owen Takeshi-Grant',
                              'paragraphs': ["Brannock's central library reopened to the public on Saturday, "
                                             'eight months after a burst water main flooded its lower floor '
                                             'and destroyed about 14,000 books, most of them from the '
                                             "children's and local history collections.",
                                             'Head librarian Yusuf Delacroix-Penn said the building had been '
                                             'stripped back to bare concrete, dried out for ten weeks and '
                                             'refitted with new shelving, wiring and flooring. The '
                                             "children's section has moved upstairs, away from the basement "
                                             'level where the water collected.',
                                             '"We lost things that cannot be replaced, especially in the '
                                             'local archive," Delacroix-Penn said. "But the response from '
                                             'the town has been extraordinary. People have donated more than '
                                             '6,000 books, and volunteers spent whole weekends helping us '
                                             'sort them."',
                                             'The repairs cost about $2.1 million, of which insurance '
                                             'covered roughly two-thirds. The county made up the difference '
                                             'from its capital budget. A small exhibition near the entrance '
                                             'shows photographs of the damage alongside a handful of '
                                             'water-stained ledgers from the 1890s that conservators were '
                                             'able to save.',
                                             'During the closure, the library ran a reduced service from a '
                                             'former shop unit on Mill Lane and sent a mobile van to '
                                             'outlying villages twice a week. Both will now end, although '
                                             'the council said it was considering keeping the van on a '
                                             'monthly schedule after requests from rural residents.',
                                             'The first visitors on Saturday included eight-year-old Nell '
                                             'Pruitt, who had been waiting since the spring to borrow the '
                                             'next book in a series she had started before the flood. "She '
                                             'has been counting the days," said her father. "Literally. '
                                             'There is a calendar on the fridge."',
                                             'The library also used the closure to make changes it had been '
                                             'planning for years. There are now twelve public computers '
                                             'instead of six, a bookable study room on the first floor and a '
                                             'lift that reaches every level, replacing one that had been out '
                                             'of order for much of the past decade.',
                                             'Opening hours are unchanged: 9am to 7pm on weekdays and 10am '
                                             'to 4pm on Saturdays.'],
                              'published': '2026-11-21T15:30:00Z'}}
