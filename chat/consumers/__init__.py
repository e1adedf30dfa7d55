"""Websocket doors of the chat (docs/protocol.md): thin, every DB call in a scoped thread."""

from .operator import OperatorConsumer
from .visitor import VisitorConsumer

__all__ = ["OperatorConsumer", "VisitorConsumer"]
