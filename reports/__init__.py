"""Reports: the view-model (`view`), built from the database (`build`, with `select`, `people`,
`accounts`, `findings`, `summary`, `actions`, `charts`, `changes`, `scope`), masked (`redact`),
and rendered by format (`render`: `html`, `jsonreport`, `csvreport`, `sarif`, `pdf`); fixed
wording in `guidance`. Import the submodules directly."""
