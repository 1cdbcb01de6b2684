"""Public data over HTTP: RSS and Atom feeds, single web pages, and the HTTP seam of every fetcher.

This package holds no archive `Connector` (the registry finds none here): `footprint fetch`
reaches these modules through `auditor.fetch`. Each platform splits into a pure parser (bytes or
JSON in, records out, tested on saved responses in `fixtures/http/`) and a small fetch function
that takes anything with `httpx.Client.get` (`connectors.web.http.HttpGet`).

- `http`: the `HttpGet` protocol, URL checks and status → error mapping shared by all fetchers.
- `xmlsafe`: XML parsing that refuses DTDs and entity declarations.
- `text`: HTML → visible text (BeautifulSoup with the stdlib `html.parser`; nothing is executed
  or fetched from the HTML).
- `feed`: RSS 2.0 and Atom feeds → posts.
- `profiles`: links to social profiles → accounts to audit, with the command for each.
- `page`: one web page → its text, the profiles it links, testimonial and policy notes.
"""
