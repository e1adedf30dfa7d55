"""The name lexicon's cache file gives back exactly what building gives, and a bad or missing
cache only means building again (redaction/lexicon/names.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from redaction.lexicon import names


@pytest.fixture(scope="module")
def built() -> names.NameLexicon:
    return names.build_name_lexicon()


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SUPPORTDESK_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_cached_lexicon_equals_a_built_one(cache_dir: Path, built: names.NameLexicon) -> None:
    path = names._cache_path()
    assert path is not None and path.parent == cache_dir
    names._write_cache(path, built)
    assert names._read_cache(path) == built


def test_the_key_changes_with_the_word_lists(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = names._cache_key()
    monkeypatch.setattr(names, "NAMES_NOT_WORDS", names.NAMES_NOT_WORDS | {"zebedee"})
    assert names._cache_key() != before


@pytest.mark.parametrize("content", [b"", b"not json", b"{}", b'{"first_names": [1, 2]}'])
def test_a_bad_cache_file_is_ignored(cache_dir: Path, content: bytes) -> None:
    path = cache_dir / "name-lexicon-x.json"
    cache_dir.mkdir()
    path.write_bytes(content)
    assert names._read_cache(path) is None


def test_an_unwritable_cache_dir_is_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, built: names.NameLexicon
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("SUPPORTDESK_CACHE_DIR", str(blocker / "sub"))  # a file as a parent
    path = names._cache_path()
    assert path is not None
    names._write_cache(path, built)  # no exception
    assert names._read_cache(path) is None


def test_name_lexicon_builds_and_then_reads_the_cache(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch, built: names.NameLexicon
) -> None:
    builds: list[int] = []
    monkeypatch.setattr(names, "build_name_lexicon", lambda: builds.append(1) or built)
    names.name_lexicon.cache_clear()
    try:
        assert names.name_lexicon() == built
        names.name_lexicon.cache_clear()
        assert names.name_lexicon() == built
    finally:
        names.name_lexicon.cache_clear()
    assert builds == [1]
