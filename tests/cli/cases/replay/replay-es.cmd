aiops-replay tests/fixtures/es/search.json tests/fixtures/es/hits.ndjson tests/fixtures/es/sources.ndjson tests/fixtures/es/utf8-message.ndjson
