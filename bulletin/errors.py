"""The exceptions bulletin raises for expected failures.

Every one of them is a ``BulletinError``, so the CLI (and a nightly runner) catches one type::

    BulletinError          base: what went wrong, which item, what to do next
     +- ConfigError        a bad or missing setting or config file
     +- InputError         an input that cannot be read or holds no article
     |   +- IngestError    a source (folder, page, feed) that cannot be fetched
     +- ScriptError        nothing usable to put in the bulletin
     +- SynthesisError     a voice that is missing or cannot be loaded or run
     +- AudioError         ffmpeg missing, or decoding/encoding failed
     +- PublishError       the feed or an edition's files could not be written
     +- LockError          another run holds the output folder's lock
 +- CheckError         an edition cannot be heard back (no edition, no Whisper model)

Item-level misses (one bad article among many) are not exceptions: they are reported and
skipped, and only a stage left with nothing to work on raises.
"""

from __future__ import annotations

__all__ = [
    "AudioError",
    "BulletinError",
    "CheckError",
    "ConfigError",
    "IngestError",
    "InputError",
    "LockError",
    "PublishError",
    "ScriptError",
    "SynthesisError",
]


class BulletinError(Exception):
    """Base of every expected bulletin failure; its message is meant for the user."""


class ConfigError(BulletinError):
    """A setting or config file is missing or invalid."""


class InputError(BulletinError):
    """An input cannot be read, or holds no article."""


class IngestError(InputError):
    """A source (a folder, a page, a feed) could not be fetched; the message names it."""


class ScriptError(BulletinError):
    """Nothing usable was left to write a bulletin script from."""


class SynthesisError(BulletinError):
    """A voice is missing, cannot be loaded, or failed to speak."""


class AudioError(BulletinError):
    """Audio could not be decoded, mixed or encoded."""


class PublishError(BulletinError):
    """An edition's files or the feed could not be written."""


class LockError(BulletinError):
    """Another run holds the output folder's lock; the message names the lock file."""


class CheckError(BulletinError):
    """An edition cannot be heard back: no edition there, or no Whisper model to hear with."""
