"""Named choices with their labels: the losses, presets, optimisers... a setting offers.

A `Registry` holds entries of one kind in the order they were registered. Every
entry has a `name` (what the settings, the URL and the command line use), a
`label` (what the page shows) and a `help` line. The settings table uses a
registry as a setting's `choices` and reads it live: an entry registered later
(a new loss, say) is at once a valid value, an option in the page's control and
a flag value on the command line.

Plain Python, no NumPy: build.py reads the labels to write the page's controls.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Choice:
    """A choice that is only a name with words (a preset, an activation...)."""

    name: str
    label: str
    help: str = ""


class Registry:
    """name -> entry, in registration order; iterating gives the names."""

    def __init__(self, kind: str, entries=()):
        self.kind = kind            # for messages: "unknown loss 'kl'"
        self._entries: dict = {}
        for entry in entries:
            self.register(entry)

    def register(self, entry):
        """Add `entry` (it needs .name, .label and .help); returns it."""
        for attr in ("name", "label", "help"):
            if not isinstance(getattr(entry, attr, None), str):
                raise TypeError(f"a {self.kind} needs a text {attr!r}")
        if entry.name != entry.name.strip().lower():   # settings match case-insensitively
            raise ValueError(f"a {self.kind}'s name must be lower case, got {entry.name!r}")
        if entry.name in self._entries:
            raise ValueError(f"{self.kind} {entry.name!r} is already registered")
        self._entries[entry.name] = entry
        return entry

    def unregister(self, name: str) -> None:
        del self._entries[name]

    def __getitem__(self, name: str):
        try:
            return self._entries[name]
        except (KeyError, TypeError):
            raise ValueError(f"unknown {self.kind} {name!r}; expected one of "
                             f"{', '.join(self)}") from None

    def __contains__(self, name) -> bool:
        return isinstance(name, str) and name in self._entries

    def __iter__(self):
        return iter(tuple(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    def names(self) -> tuple[str, ...]:
        return tuple(self._entries)

    def entries(self) -> tuple:
        return tuple(self._entries.values())

    def label(self, name: str) -> str:
        return self[name].label

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}: {', '.join(self)})"
