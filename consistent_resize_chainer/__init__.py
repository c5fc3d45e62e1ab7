"""consistent-resize for Chainer (placeholder: the function lands with its issue)."""

from ._import import import_chainer

chainer = import_chainer()
