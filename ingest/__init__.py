"""Press Atlas: turn a corpus of news pages into one SQLite database."""

__version__ = "0.1.0"
