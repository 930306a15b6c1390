"""Language of a clean text, as an ISO 639-1 code.

trafilatura reports no language unless it is given a target language, and then it drops every
page in another language, so the cleaners classify the clean text themselves with py3langid.
"""
from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

MIN_CHARS = 40  # below this a classifier guesses: a headline fragment or a byline is not evidence
# Classification time grows with length and the opening paragraphs decide it: on the devset's
# texts 1,000 characters take 0.5 ms instead of 1.9 ms for 4,000 and change no answer (measured
# with the leading whitespace stripped first, which would otherwise fill the sample).
MAX_CHARS = 1_000

# py3langid labels that are not ISO 639-1 codes, folded into the macrolanguage that has one.
# Labels missing here and longer than two letters ("zxx" = no linguistic content, "grc", ...) give None.
MACROLANGUAGE: dict[str, str] = {
    "arz": "ar",  # Egyptian Arabic
    "ary": "ar",  # Moroccan Arabic
    "uzs": "uz",  # Southern Uzbek
    "sdh": "ku",  # Southern Kurdish
    "gug": "gn",  # Paraguayan Guarani
    "yue": "zh",  # Cantonese
    "wuu": "zh",  # Wu Chinese
}


@cache
def _identifier() -> LanguageIdentifier:
    """The model loads in ~0.7 CPU-s: once per process, and only when a text is classified."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of `text`'s language, or None when the text is too short or not language."""
    sample = " ".join(text.lstrip()[:MAX_CHARS].split())
    if len(sample) < MIN_CHARS:
        return None
    label, _confidence = _identifier().classify(sample)
    label = MACROLANGUAGE.get(label, label)
    return label if len(label) == 2 else None
