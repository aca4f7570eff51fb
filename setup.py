"""Builds DART's one compiled module, the VCF reader's fast path (``make install`` runs
``python setup.py build_ext --inplace``). DART itself is not installed as a package."""

from setuptools import Extension, setup

setup(
    name="dart",
    py_modules=[],
    ext_modules=[
        Extension(
            "genomics.io._vcfscan",
            ["genomics/io/_vcfscan.c"],
            extra_compile_args=["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
        )
    ],
)
