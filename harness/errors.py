"""User-facing errors: the CLI prints them as one line and exits with code 2."""


class HarnessError(Exception):
    """A mistake in the user's input or environment (bad name, file, field, value)."""


class DataMissingError(HarnessError):
    """A data file a task needs is neither in the mirror nor in the cache."""


class LanguageUnsupportedError(HarnessError):
    """A model cannot process a language at all (e.g. no word segmenter for a lexical model)."""


class ModelUnavailableError(HarnessError):
    """A model's weights cannot be reached (offline hub model, missing package)."""
