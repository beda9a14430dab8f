"""Over-large request bodies get a 413 that every common client receives (a real uvicorn server)."""
from __future__ import annotations

import urllib.error
import urllib.request

import httpx
import pytest
import requests
from SPARQLWrapper import POST, SPARQLWrapper

BODY = b"query=" + b"x" * 5_000_000      # 5 MB, above the 1 MB default limit
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def test_urllib_receives_413(corpus_server):
    """urllib sends the whole body before it reads: the server must read it (bounded) before answering."""
    req = urllib.request.Request(corpus_server + "/sparql", data=BODY, headers=FORM)
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=60)
    assert err.value.code == 413
    assert b"limit" in err.value.read()


def test_sparqlwrapper_receives_413(corpus_server):
    sparql = SPARQLWrapper(corpus_server + "/sparql")
    sparql.setMethod(POST)
    sparql.setQuery("SELECT * WHERE { ?s ?p ?o } # " + "x" * 5_000_000)
    with pytest.raises(urllib.error.HTTPError) as err:
        sparql.query()
    assert err.value.code == 413


@pytest.mark.parametrize("post", [
    lambda url: httpx.post(url, content=BODY, headers=FORM, timeout=60).status_code,
    lambda url: requests.post(url, data=BODY, headers=FORM, timeout=60).status_code,
], ids=["httpx", "requests"])
def test_other_clients_receive_413(corpus_server, post):
    assert post(corpus_server + "/sparql") == 413


def test_server_still_answers_after_an_oversized_body(corpus_server):
    req = urllib.request.Request(corpus_server + "/sparql", data=BODY, headers=FORM)
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(req, timeout=60)
    r = httpx.get(corpus_server + "/sparql", params={"query": "ASK { ?s ?p ?o }"},
                  headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert r.status_code == 200 and r.json()["boolean"] is True
