"""relbot: relationship briefings for agency account teams."""

__version__ = "0.1.0"
