"""Build hook (the rest of the metadata is in pyproject.toml): the wheel also carries
``consistent_resize_chainer_import.pth`` at the top of site-packages, the start-up line that makes a plain
``import chainer`` work (see ``_consistent_resize_chainer_import.py``)."""

import os

from setuptools import setup
from setuptools.command.build_py import build_py

PTH = "consistent_resize_chainer_import.pth"


class BuildPyWithPth(build_py):
    def run(self):
        super().run()
        if not self.editable_mode:  # an editable install gets the line from the Makefile (see `make install`)
            self.copy_file(PTH, os.path.join(self.build_lib, PTH))

    def get_outputs(self, include_bytecode=1):
        outputs = super().get_outputs(include_bytecode)
        return outputs if self.editable_mode else outputs + [os.path.join(self.build_lib, PTH)]


setup(cmdclass={"build_py": BuildPyWithPth})
