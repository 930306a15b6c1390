"""The text rules as data: every kind of page furniture the text cleaner knows, each under a name.

Like trafilatura's xpaths.py this module holds tables only; text.py, split.py and wire.py apply
them. A rule's name is what its Removal records, so every removed span in the output can be
traced back to one entry here. Patterns are generic shapes of furniture (a share bar, an app
promo, a copyright line), never copies of any one site's wording.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Zone = Literal["any", "head", "edge"]
SHORT_LINE = 100  # LineRule.max_chars unless a rule says otherwise


@dataclass(frozen=True, slots=True)
class LineRule:
    """A whole line that is furniture.

    `pattern` must match the entire stripped line, case-insensitively unless `ignore_case` is
    False, and the line must be at most `max_chars` long: furniture lines are short, and the
    bound keeps a rule from eating a paragraph (and long lines from costing every regex).
    `zone` says where such a line may stand: "any"; "head" = before the article's first body
    paragraph (datelines and dates belong there, mid-article they may be content); "edge" = the
    head or after the last body paragraph. `then` makes the line a tail heading: what follows it
    to the end of the article is furniture too (teasers under "Related", a footer under a
    copyright line) and is recorded under that name. text.py guards `then` so that such a line
    in the middle of an article cuts nothing but itself.
    """

    name: str
    pattern: str
    zone: Zone = "any"
    then: str | None = None
    ignore_case: bool = True
    max_chars: int = SHORT_LINE


# Wire agencies: canonical name -> how credit lines spell it (case-sensitive: "AP", "PA" and
# "dpa" are only agencies in these spellings). Longer names first where one contains another.
WIRE_AGENCIES: tuple[tuple[str, str], ...] = (
    ("Tribune Content Agency", r"Tribune (?:Content Agency|News Service)"),
    ("AAP", r"AAP|Australian Associated Press"),
    ("AP", r"AP|(?:The )?Associated Press"),
    ("AFP", r"AFP|Agence France[- ]Presse"),
    ("Reuters", r"(?:Thomson )?Reuters|REUTERS"),
    ("dpa", r"dpa|DPA|Deutsche Presse-Agentur"),
    ("UPI", r"UPI|United Press International"),
    ("EFE", r"EFE|Agencia EFE"),
    ("ANSA", r"ANSA"),
    ("Bloomberg", r"Bloomberg(?: News)?"),
    ("PA", r"PA Media|PA|Press Association"),
    ("Kyodo", r"Kyodo(?: News)?"),
    ("Xinhua", r"Xinhua"),
    ("Yonhap", r"Yonhap"),
    ("KNA", r"KNA"),
    ("epd", r"epd"),
    ("APA", r"APA"),
)
_AGENCY = "|".join(f"(?:{alias})" for _, alias in WIRE_AGENCIES)

# Removals whose text is a credit: an agency named in them is the article's wire source.
# Photo credits are deliberately absent: "Credit: AFP" under a picture says who took the
# picture, not who wrote the story.
WIRE_CREDIT_RULES: frozenset[str] = frozenset({"copyright", "wire_credit", "dateline"})

# Article text that names the wire and stays. A dateline opens one of the first paragraphs
# ("MOSCOW (AP) — ...", "Aug. 19 (UPI) — ..."); a sign-off is in one of the last ("X writes for
# the Associated Press.", "Reuters contributed to this report.").
WIRE_TEXT_LINES = 3  # how many paragraphs at each end are searched
WIRE_SIGNOFF_CHARS = 400  # a sign-off closes its paragraph: only this much of its end is searched
WIRE_DATELINE = rf"[^()\n]{{0,80}}?\((?:{_AGENCY})\)\s*[-–—:]"
WIRE_SIGNOFF = (
    rf"\b(?:(?:writes?|wrote|reports?|reported|reporting) for (?:the )?(?:{_AGENCY})\b"
    rf"|(?:{_AGENCY}) contributed to this (?:report|story|article))"
)

_MONTH = (
    r"jan(?:uary|uar)?|feb(?:ruary|ruar)?|mar(?:ch)?|märz|apr(?:il)?|may|mai|june?|juni|"
    r"july?|juli|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|okt(?:ober)?|nov(?:ember)?|"
    r"dec(?:ember)?|dez(?:ember)?"
)
_DATE = (
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    r"(?:\d{4}-\d{2}-\d{2}(?:[t ]\d{2}:\d{2}(?::\d{2})?z?)?"
    r"|\d{1,2}[-./]\d{1,2}[-./](?:\d{4}|\d{2})"
    rf"|(?:{_MONTH})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\.?\s+(?:{_MONTH})\.?,?\s+\d{{4}})"
    r"(?:,?\s+(?:at\s+|um\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*(?:uhr|[a-z]{2,4}))?)?"
)
_SHARE_WORD = (
    r"share(?: this)?(?: article| story| page| post)?(?: on| via)?|tweet|copy link|link copied|"
    r"e-?mail|print|facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|telegram|messenger|"
    r"flipboard|bluesky|threads|teilen|drucken"
)

LINE_RULES: tuple[LineRule, ...] = (
    # Ad slots left behind by the page: "- Advertisement -", "Anzeige", "Story continues below".
    LineRule("advertisement",
             r"[-–—•*|\s]*(?:advertisements?|advertising|advert|ads?|sponsored(?: content| post| links?)?"
             r"|promoted(?: content)?|paid (?:content|post|partnership)|anzeige|werbung|publicité"
             r"|publicidad|pubblicità)[-–—•*|\s]*"
             r"|(?:story|article) continues (?:below|after)(?: (?:this|the))?(?: advertisement| ad)?"
             r"|continue reading (?:below|the main story)"),
    # App promos: "Download the app", app-store badges, "Download X app today from ... app store".
    # Phrases found inside a line are matched in their usual casing ("Download" starting an
    # imperative, not "can download the app"): that guards them, and a literal after a bounded
    # ".{0,n}" is what the regex engine scans fast.
    LineRule("app_promo",
             r"(?:get started(?: now)?\s*:\s*)?download (?:the|our) (?:[\w-]+ )?app(?: (?:now|today|for free))?[.!]?"
             r"|(?:.{0,160}(?-i:Download)|for (?:the )?latest\b.{0,80}?\bdownload) [^.?!]{0,60}\bapps?\b[^.?!]{0,80}"
             r"\b(?:app ?store|google play|play store|ios|android)\b[^.?!]{0,80}[.!]?"
             r"|(?:download on|get it on|available on)(?: the)? (?:app store|google play)"
             r"|app[- ]?store\W{0,3}(?:google[- ]?)?play[- ]?store",
             max_chars=300),
    # Site feature promos: "Try our AI features", "Explore what <X> can do for you:".
    LineRule("promo",
             r"try (?:our|the) (?:[\w-]+ ){0,3}(?:features?|apps?|tools?)[.!]?"
             r"|(?:explore|discover|see) what (?:[\w-]+ ){1,4}can do for you[:.!]?"),
    # "Follow us on Twitter", "Folgen Sie uns auf Instagram", "Síguenos en Facebook": imperative, naming a network.
    LineRule("social_follow",
             r"(?:follow (?:us|[\w.@&' -]{1,40}?) on|join us on|folg(?:t|e|en sie) uns (?:auf|bei)"
             r"|s[ií]guenos en|suivez[- ]nous sur)"
             r" .{0,40}\b(?:twitter|facebook|instagram|x|tiktok|linkedin|youtube|telegram|threads|bluesky|mastodon|whatsapp)\b.{0,220}",
             max_chars=300),
    # Newsletter and sign-up prompts (imperative: they start the line).
    LineRule("newsletter",
             r"(?:sign up|subscribe|register|join)\b.{0,80}\b(?:newsletters?|inbox|e-?mail updates|alerts|briefings?)\b.{0,80}"
             r"|(?:subscribe|sign up)(?: now| here| today| for free)?[.!]?"
             r"|(?:subscribe|sign up)(?: now| today)? (?:to|for) (?:our|the)\b.{0,120}"
             r"|never miss\b.{0,100}\b(?:sign(?:ing)? up|subscrib\w*|newsletters?)\b.{0,100}"
             r"|(?:get|receive) (?:our|the)\b.{0,60}\b(?:newsletters?|in your inbox|to your inbox)[.!]?"
             r"|newsletter(?: sign-?up)?|(?:jetzt|newsletter) abonnieren|(?:zum|für den) newsletter anmelden[.!]?",
             max_chars=200),
    # Donation appeals.
    LineRule("donation",
             r"(?:please\s+)?consider (?:supporting|donating to|subscribing to)\b.{0,120}"
             r"|support (?:our|independent|quality|local|public[- ]interest) (?:journalism|reporting|news(?:room)?)\b.{0,160}"
             r"|(?:donate|make a donation|become a (?:member|supporter|patron|subscriber))(?: now| today| here)?[.!]?"
             r"|(?:hazte (?:miembro|socio)|jetzt (?:unterstützen|spenden|mitglied werden)|soutenez[- ]nous)\b.{0,100}",
             max_chars=300),
    # Advertising and affiliate disclosures: "*Werbung. Dieser Beitrag enthält Werbung für …",
    # "This post contains affiliate links." They disclose, they start the line; a sentence that
    # only mentions affiliate links does not start so.
    LineRule("ad_disclosure",
             r"\*?(?:werbung|anzeige|disclosure|disclaimer|transparenz|hinweis)\s*[.:,|-]\s*.{0,80}"
             r"\b(?:affiliate|werbung|partner-?links?|provision|sponsored|advertis\w*)\b.{0,160}"
             r"|(?:this|the) (?:post|article|page|story) (?:may )?contains? (?:affiliate links|references to products|sponsored)\b.{0,200}"
             r"|(?:dieser|der) (?:beitrag|artikel|post) enthält (?:werbung|affiliate|partner)\b.{0,200}"
             r"|bei den (?:[\w* ]{1,40} )?(?:links|verlinkungen) handelt es sich um\b.{0,200}",
             max_chars=300),
    # Paywall badges on teasers.
    LineRule("paywall",
             r"(?:réservé aux abonnés|subscribers? only|for subscribers|exclusive to subscribers|premium(?: content)?"
             r"|nur für abonnenten|abo(?:nnenten)?-?(?:artikel|inhalt)|plus-artikel"
             r"|this (?:article|content) is (?:only )?for subscribers)[.!]?"
             r"|to (?:view|read|continue reading|access) (?:the full|the rest of (?:the|this)|this) (?:story|article)\b.{0,120}"
             r"\b(?:subscribe|subscription|log ?in|sign ?in)\b.{0,80}",
             max_chars=250),
    # Cookie/consent banners: the banner sentence with its consent words, or a bare button label.
    LineRule("cookie_banner",
             r"(?:(?:this|our) (?:web ?site|site|page)|we) uses? cookies\b.{0,400}?"
             r"\b(?:accept|agree|opt[- ]out|consent|cookie (?:policy|settings)|privacy policy|learn more|read more|got it)\b.{0,80}"
             r"|(?:accept|reject|manage|customi[sz]e)(?: all)? (?:cookies|consent)(?: settings)?"
             r"|cookie (?:settings|preferences|policy)|accept(?: all)?(?: read more)?|i agree|got it|manage consent",
             max_chars=500),
    # Placeholders of blocked embeds and their consent notes: "Externer Inhalt", "Click to load the
    # video", "Wenn Sie dieses Video abspielen, werden Daten an YouTube übertragen".
    LineRule("embed_placeholder",
             r"(?:empfohlener )?externer inhalt|inhalte? von drittanbietern|contenu externe|contenido externo"
             r"|(?:video|audio|inhalt|content|embed) (?:überspringen|skip(?:ped)?)\b.{0,300}"
             r"|(?:click|tap) (?:here )?to (?:load|show|view|play|watch) (?:the |this )?(?:video|content|embed|tweet|post|map|podcast)\b.{0,200}"
             r"|.{0,80}\b(?:wenn sie (?:dieses|das) (?:video|inhalt|element)\b.{0,40}\b(?:abspielen|laden|aktivieren)"
             r"|mit dem (?:laden|abspielen|aktivieren) (?:des|der) (?:videos?|inhalts?|karte)\b.{0,40}\b(?:akzeptieren|stimmen)"
             r"|(?:this|the) (?:content|video|embed) is (?:hosted|provided) by a third[- ]party)\b.{0,300}",
             max_chars=400),
    # Media-library availability notes under a video or audio: "Video verfügbar bis 28.02.2021",
    # "Available until 12 March 2024". The whole line is the note: a sentence around it stays.
    LineRule("media_availability",
             r"(?:(?:video|audio|clip|sendung|beitrag|podcast|folge|episode|programme|program)\s+)?"
             r"(?:verfügbar|abrufbar|online|available|disponible|disponibile)\s+"
             rf"(?:bis(?:\s+zum)?|until|till|jusqu'(?:au|à)|hasta(?:\s+el)?|fino al)\s+{_DATE}\.?"),
    # Share bars: "Share this article", "Share on Facebook", "Facebook Twitter Email", "Copy link".
    LineRule("share", rf"(?:{_SHARE_WORD})(?:[\s,|/•·:]+(?:{_SHARE_WORD}))*\s*:?"),
    # Picture labels without a caption: "Titelbild:", "Crédits photos : X", "Symbolbild".
    LineRule("photo_label",
             r"(?:cr(?:é|e)dits? photos?|photo credits?|fotos?|bilder?|titelbild|beitragsbild|headerbild|symbolbild"
             r"|symbolfoto|bildnachweis|fotonachweis|foto\(s\))\s*:\s*[^.!?]{0,80}"
             r"|titelbild|beitragsbild|headerbild|symbolbild|symbolfoto|bild anzeigen|image illustrative"
             r"|(?:vergrößern|enlarge|zoom)(?: image| bild)?"),
    # Separator lines: "_____", "***", "- - -".
    LineRule("separator", r"(?=(?:\s*[_\-–—=*~•·#+.]){3})[_\-–—=*~•·#+.\s]+"),
    # Feed footers that aggregators append to each reposted article (also split.py's boundaries).
    # They name the site, which is capitalised: "appeared first on the list" is a sentence.
    LineRule("feed_footer",
             r"source link|the post .{1,300} appeared first on (?-i:[A-Z0-9]).{0,120}"
             r"|this (?:article|story|post) (?:was )?(?:originally|first) (?:appeared|published|posted) (?:on|in|at|by) .{1,200}",
             max_chars=450),
    # Relative times left over from teaser cards: "2 hours ago", "time38 minutes ago".
    LineRule("relative_time",
             r"(?:time|updated|published|posted)?\s*(?:about\s+|over\s+)?(?:\d{1,3}|an?|one)\s*"
             r"(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?|mos?|months?|y|yrs?|years?)\s+ago"
             r"|just now|vor\s+(?:\d{1,3}|einer?)\s+(?:sekunden?|minuten?|stunden?|tag(?:en)?|wochen?|monat(?:en)?)"),
    # "Read more: <other story>", "READ MORE: ...": a link to another article inside this one.
    # Spanish, French, German, Polish, Portuguese and Italian labels too ("Lea también:", "À lire
    # aussi :", "Lesen Sie auch:"); "MIRA:"/"LEA:" only in capitals, as "Mira" and "Lea" are names
    # (an interview's "Lea: …"). A linked headline has no closing full stop: a sentence after
    # "Mehr dazu:" that has one is article text.
    LineRule("read_more_link",
             r"(?:(?:read more|read also|also read|related|see also|lesen sie auch|auch lesen|mehr dazu|mehr zum thema"
             r"|lea (?:también|más)|lee (?:también|más)|vea también|ver también|(?:le|te) puede interesar|puedes ver"
             r"|(?:à )?lire aussi|voir aussi|czytaj (?:też|także|również)|zobacz (?:też|także)|leia (?:também|mais)"
             r"|veja também|leggi anche)\s*:|(?-i:MIRA|MIRE|LEA|LEE|VEA)\s*:)\s*.{3,200}(?<!\.)",
             max_chars=220),
    # Tail headings: the heading and everything under it to the end of the article.
    LineRule("related_heading",
             r"(?:related(?: articles?| stories| news| posts| content| coverage| reading| links)?|read more|read also"
             r"|more (?:stories|news|articles)(?: from .{1,40})?|more from .{1,40}|most (?:read|popular|viewed|shared)"
             r"|you (?:may|might) also (?:like|enjoy|be interested in)|recommended(?: for you| stories| articles| reading)?"
             r"|top stories|trending(?: now| stories)?|latest (?:news|stories|articles)|what to read next|further reading"
             r"|see also|mehr zum thema|das könnte sie auch interessieren|auch interessant|weitere artikel|lesen sie auch"
             r"|meistgelesen|schon gelesen|empfohlene (?:beiträge|artikel)|ähnliche (?:beiträge|artikel)"
             r"|weitere (?:beiträge|artikel|themen|nachrichten)(?: zum thema| aus .{1,40})?|mehr themen|zum weiterlesen"
             r"|auch lesen|(?:das|das thema|diese[rs]? (?:artikel|beiträge?|themen?)) könnten? (?:dich|sie|euch) (?:auch |ebenfalls )?interessieren"
             r"|passend zum thema"
             r"|verwandte (?:artikel|beiträge|themen)|meist(?:gelesene?|diskutierte?|kommentierte?|-diskutiert|-gelesen)"
             r"|top-themen(?: .{1,40})?|lust auf mehr|lesen sie auch(?: die folgenden beiträge| diese artikel)?"
             r"|(?:notas|noticias|art[ií]culos|contenidos?|temas) relacionad[oa]s|lo más leído|más noticias"
             r"|(?:también )?(?:le|te) puede interesar|te recomendamos|(?:lea|lee|vea|ver) también"
             r"|(?:à )?lire aussi|voir aussi|sur le même sujet|les plus lus|articles? similaires"
             r"|czytaj (?:też|także|również)|zobacz (?:też|także)|leia (?:também|mais)|veja também|leggi anche)[:.?!]?",
             then="related_teasers"),
    # A tag list's heading ("Tags", "Schlagwörter", "Temas"): the tag links under it go with it.
    LineRule("tags_heading",
             r"(?:tags|schlagw(?:ö|o)rter|schlagworte|stichw(?:ö|o)rter|temas|etiquetas|mots-cl(?:é|e)s|tagi)\s*:?",
             then="tag_list"),
    # "About the author" / "Über den Autor": the bio under it goes with it.
    LineRule("author_heading",
             r"(?:about|more about) the authors?|über (?:den|die) autor(?:in|en)?|zum autor|zur autorin"
             r"|sobre (?:el|la) autora?|(?:à )?propos de l'auteur(?:e)?|l'auteur(?:e)?[:.]?",
             then="author_bio"),
    LineRule("comments_heading",
             r"(?:\d+\s+)?comments?(?:\s*\(\d+\))?|no comments(?: yet)?[.…!]*|leave a (?:reply|comment)|post a comment"
             r"|add a comment|write a comment|join the (?:conversation|discussion|debate)|be the first to comment[.!]?"
             r"|(?:show|view|load|read) (?:all )?comments(?:\s*\(\d+\))?|kommentare(?:\s*\(\d+\))?|\d+ kommentare"
             r"|kommentar schreiben|diskutieren sie mit|kommentare insgesamt:?|(?:\d+ )?(?:comentarios|commentaires)"
             r"|deja (?:un|tu) comentario|laisser un commentaire|schreiben sie einen kommentar"
             r"|verraten sie (?:uns )?(?:gerne )?in den kommentaren\b.{0,80}",
             then="comments"),
    # A picture's copyright: "© Agency | Photographer", "©iStock". Before the copyright rule: a
    # photo's credit opens no footer (it stands under a picture mid-article), and names no wire.
    LineRule("photo_credit",
             r"(?:©|\(c\))\s*(?:[^|/\d©]{1,40}\s*[|/]\s*[^|/\d©]{1,40}"
             r"|(?:getty images|istock(?:photo)?|shutterstock|imago(?: images)?|picture[- ]alliance|adobe ?stock"
             r"|unsplash|pixabay|alamy)\b[^\d©]{0,40})"),
    # Copyright/reprint lines; after the body they open the page footer.
    LineRule("copyright",
             r"(?:©|\(c\))\s*.+"
             r"|copyright\s*(?:©|\(c\))?\s*(?:\d{4}|©).*"
             r"|.{0,150}(?-i:All rights reserved|ALL RIGHTS RESERVED|Alle Rechte vorbehalten)\b.*"
             r"|.{0,150}(?-i:may not be) (?:re)?published, broadcast, rewritten,? or redistributed\b.*",
             then="footer", max_chars=300),
    # Standalone agency credits: "(AFP)", "— Reuters", "Source: AP", "With AFP", "AFP/dpa".
    LineRule("wire_credit",
             rf"(?:[-–—]\s*)?[(\[]?(?:(?:[Ss]ources?|[Ww]ith|[Vv]ia|[Cc]redit|[Qq]uelle|[Mm]it [Mm]aterial von)\s*:?\s*)?"
             rf"(?:{_AGENCY})(?:\s*(?:[/,&+]|and|und)\s*(?:{_AGENCY}))*[)\]]?\.?",
             zone="edge", ignore_case=False),
    # A tag or category line at the article's edges: "Tags: floods, weather", "Category : News".
    LineRule("tag_line",
             r"(?:tags|tagged(?: with)?|filed under|categor(?:y|ies)|kategorien?|schlagw(?:ö|o)rter|schlagworte"
             r"|stichw(?:ö|o)rter|themen|temas|etiquetas|mots-cl(?:é|e)s)\s*:\s*.{1,150}",
             zone="edge", max_chars=170),
    # A source line at the article's edges: "Quelle: Landesregierung", "Source: Example Ministry".
    LineRule("source_line", r"(?:quellen?|source|fuente|bildquelle|fotoquelle)\s*:\s*[^.!?]{1,80}", zone="edge"),
    # Bylines and sign-offs at the article's edges: "By Jane Roe", "Edited by John Doe".
    LineRule("byline",
             r"(?:by|von|par|edited by|written by|words by|story by|reporting by|reported by)"
             r"\s*:?\s+[^\W\d_][^!?\n]{1,80}(?<![.!?])",
             zone="edge"),
    # A short line near the top that is only a date, maybe glued to the site name or a label.
    LineRule("date_line", rf"(?:.{{0,40}}?)?{_DATE}", zone="head", max_chars=80),
    # A time of day alone on a line above or below the article ("19:49", "3:59 PM", "10.30 Uhr").
    LineRule("time_line", r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?|\s*uhr|\s*h)?", zone="edge"),
    # A standalone dateline above the lede: "MOSCOW (AP) —".
    LineRule("dateline", r"[A-Z][A-Za-z.,' -]{1,60}\([A-Za-z./ ]{2,30}\)\s*[-–—:]*", zone="head", ignore_case=False),
    # Breadcrumbs: "Home » World » Europe".
    LineRule("breadcrumb", r"(?:[^»›>\n]{1,40}[»›>]\s*){2,8}[^»›>\n]{1,80}", zone="head", max_chars=200),
)

# Rules applied by code (text.py, clean.py) rather than by one line pattern; name -> what it removes.
STRUCTURAL_RULES: dict[str, str] = {
    "title": "the headline line of a plain-text page: it becomes CleanDoc.title, not text",
    "title_repeat": "a line before the first paragraph that repeats the title",
    "masthead": "a 1-2 word fragment above the article's first line (logo alt text, a tag-page name)",
    "image_counter": "a standalone image count ('6', '3 of 8'), unless it is part of a numbered list",
    "image_alt": "the alt text line before a gallery counter",
    "image_caption": "the caption line after a gallery counter, or any line ending in a photo credit",
    "photo_credit": "a photo credit, standalone or glued to its caption ('…Credit: AFP', '(AP Photo/…)')",
    "inline_related": "a headline-like link to another story standing between two paragraphs",
    "tail_fragment": "a short line after the last paragraph that follows other furniture or is 1-2 words,"
                     " unless it is part of a list (text.py's fact-box policy)",
    "short_fragment": "a split-off piece shorter than min_article_chars, recorded on its neighbour",
}

# Numbers on their own line (image counters, share counts); see text.py for the list guard.
COUNTER = r"\d{1,3}"
COUNTER_OF = r"\d{1,3}\s*(?:/|of|von)\s*\d{1,3}"

# Photo-credit agencies and picture desks, for credits in brackets at the end of a caption.
_PHOTO_DESK = (
    r"Getty Images|Associated Press|AP|AFP|Reuters|REUTERS|EPA|Shutterstock|Alamy|dpa|picture alliance"
    r"|imago|Bloomberg|Sipa|ANP|Keystone|Handout"
)
# The credit at the end of a caption line; the text before it is the caption.
CAPTION_CREDIT = (
    r"(?P<credit>Credits?:\s*[^.!?\n]{1,60}"
    r"|\((?:AP |AFP |Reuters |EPA )?(?:Photos?|Foto|Image|Picture|Bild)(?: by| von|:)?\b[^()]{0,80}\)"
    rf"|\([^()]{{2,60}}/\s*(?:{_PHOTO_DESK})[^()]{{0,30}}\)"
    r"|\b(?:REUTERS|AFP|EPA|AP)/[A-Z][\w.' -]{1,40}"
    rf"|\[(?:Handout|Photo|File|Credit)?[^\[\]]{{0,80}}/\s*(?:{_PHOTO_DESK}|{_AGENCY})\])$"
)

# Lines that end one article of a stacked page (split.py keeps them at the end of their article).
SPLIT_BOUNDARY_RULES: tuple[str, ...] = ("feed_footer",)

RULE_NAMES: frozenset[str] = frozenset(
    [r.name for r in LINE_RULES] + [r.then for r in LINE_RULES if r.then] + list(STRUCTURAL_RULES)
)
