"""Nested documents: child tables per array (also arrays in arrays), generated keys, MongoDB Extended
JSON, polymorphic fields — and the normalized result proven lossless per flat table."""

from __future__ import annotations

import json
from pathlib import Path

from dbwright.api import normalize
from dbwright.inspect.nested import flatten_documents, is_nested
from dbwright.inspect.profile import load_jsonl


def _write(path: Path, docs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs))
    return path


def test_extended_json_and_arrays_in_arrays(tmp_path: Path) -> None:
    docs = []
    for i in range(1, 13):
        docs.append({
            "_id": {"$oid": f"65a1{i:020d}"},
            "created": {"$date": {"$numberLong": str(1_700_000_000_000 + i * 86_400_000)}},
            "views": {"$numberLong": str(i * 10)},
            "author": {"handle": f"user{i % 3}", "karma": (i % 3) * 7},
            "sections": [{"title": f"s{j}", "paragraphs": [f"p{j}.{k}" for k in range(j + 1)]} for j in range(2)],
        })
    path = _write(tmp_path / "posts.jsonl", docs)
    loaded = load_jsonl(path)
    assert loaded[0]["_id"] == "65a1" + "0" * 19 + "1" and loaded[0]["views"] == 10
    assert loaded[0]["created"].startswith("2023-11-")
    flat = flatten_documents(loaded, "posts")
    names = {t.name: t for t in flat.tables}
    assert set(names) == {"posts", "post_sections", "post_section_paragraphs"}
    para = names["post_section_paragraphs"]
    assert para.key == ["post_id", "section_position", "paragraph_position"]
    assert para.parent == "post_sections" and para.parent_key == ["post_id", "section_position"]
    assert len(para.records) == 12 * 3
    result = normalize(str(path), engines=("sqlite",))
    assert result["kind"] == "nested" and result["lossless"]
    root = next(p for p in result["tables"] if p["flat_table"]["name"] == "posts")
    assert "authors" in {t["name"] for t in root["tables"]}  # author_handle -> author_karma extracted


def test_generated_key_and_polymorphic_scalars(tmp_path: Path) -> None:
    docs = [{"sku": f"A{i}", "size": (i if i % 2 else f"{i}XL"), "tags": ["x", "y"][: i % 3]} for i in range(10)]
    path = _write(tmp_path / "items.jsonl", docs)
    flat = flatten_documents(load_jsonl(path), "items")
    assert flat.key_source.startswith("generated")
    assert [p["path"] for p in flat.polymorphic] == ["size"]
    assert flat.polymorphic[0]["types"] == ["number", "string"]
    tags = next(t for t in flat.tables if t.name == "item_tags")
    assert tags.columns == ["item_id", "tag_position", "tag"]
    result = normalize(str(path), engines=("sqlite",))
    assert result["lossless"] and [f["code"] for f in result["findings"]] == ["NORM010"]


def test_flat_json_lines_are_not_nested(tmp_path: Path) -> None:
    path = _write(tmp_path / "flat.jsonl", [{"k": i, "g": i % 2, "h": f"G{i % 2}"} for i in range(8)])
    assert not is_nested(load_jsonl(path))
    result = normalize(str(path), engines=("sqlite",))
    assert result["kind"] == "flat" and result["tables"][0]["lossless"]
