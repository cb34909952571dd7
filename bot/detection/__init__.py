"""Detection: normalisation, language identification, lexicon rules and the learned layer.

The rules half lives in ``bot.detection.classifier`` (``RulesClassifier``); import submodules
directly (this package imports nothing heavy on its own).
"""
