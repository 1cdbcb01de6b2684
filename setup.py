"""Ships the demo fixtures (fixtures/demo) as the package `auditor.demo_data`.

Everything else is in pyproject.toml; this file exists only because a package directory outside
the source tree cannot be declared there alongside automatic package discovery. The data files
are listed one by one: a `**` glob in package_data is not honoured by every setuptools.
"""

from pathlib import Path

from setuptools import find_packages, setup

DEMO = Path(__file__).resolve().parent / "fixtures" / "demo"
DEMO_FILES = sorted(p.relative_to(DEMO).as_posix() for p in DEMO.rglob("*")
                    if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")

setup(
    packages=find_packages(include=["auditor", "auditor.*", "connectors", "connectors.*",
                                    "reports", "reports.*"]) + ["auditor.demo_data"],
    package_dir={"auditor.demo_data": "fixtures/demo"},
    package_data={"auditor.demo_data": DEMO_FILES},
)
