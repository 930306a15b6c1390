"""Imported once by the clean stage's forkserver, before it forks any worker.

Each worker then starts with trafilatura and lxml imported and the py3langid model loaded
(together ~0.7 CPU-s), instead of paying for them again in every worker process. The forkserver
also asks to die with the run that started it (workers ask the same of the forkserver).
"""
import cleaners.clean  # noqa: F401
import cleaners.extract  # noqa: F401
from cleaners.language import detect_language
from pipelines.lifetime import die_with_parent

die_with_parent()

detect_language("A sentence long enough for the language model to load and classify it.")
