"""Language identification and the spaCy pipeline, shared by the later stages."""

from newsweave.nlp.language import detect_language
from newsweave.nlp.spacy_model import load_spacy

__all__ = ["detect_language", "load_spacy"]
