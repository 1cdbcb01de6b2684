"""Ships the demo fixtures (fixtures/demo) as the package `auditor.demo_data`.

Everything else is in pyproject.toml; this file exists only because a package directory outside
the source tree cannot be declared there alongside automatic package discovery. Its data files
are declared in pyproject.toml ([tool.setuptools.package-data]), which takes precedence.
"""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["auditor", "auditor.*", "connectors", "connectors.*",
                                    "reports", "reports.*"]) + ["auditor.demo_data"],
    package_dir={"auditor.demo_data": "fixtures/demo"},
)
