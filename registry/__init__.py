"""The good-practice registry: records, storage, search and the plugin manager."""

__version__ = "0.1.0"
