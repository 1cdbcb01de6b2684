"""Reports: the view-model (`view`), built from the database (`build`), masked (`redact`) and
rendered (`render`) as self-contained HTML or the JSON contract. Import the submodules directly."""
