"""The fact-file format as JSON Schema, derived from the loader's own schema.

Editors that speak the YAML language server read it through the
`# yaml-language-server: $schema=...` line at the top of each fact file, so a
teacher gets completion and red squiggles while typing. Regenerate the shipped
copy with `python -m cardgen.factbase.schema > cardgen/schema/facts.schema.json`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from cardgen.factbase.kinds import (
    BAND_KEYS,
    CHOICE_KEYS,
    COMMON,
    COMPARE_KEYS,
    COUNT_SYMBOL,
    FILE_KEYS,
    GROUP_KEYS,
    KINDS,
    LAYER_KEYS,
    MAX_CHOICES,
    MAX_LAYER_COUNT,
    MAX_POINTS,
    MIN_CHOICES,
    POINT_KEYS,
    ROW_KEYS,
    STEP_KEYS,
    Field,
)
from cardgen.factbase.loader import ID_PATTERN
from cardgen.lang import LANGS

TEXT = {"type": ["string", "number", "boolean"], "minLength": 1}


def _value(spec: Field) -> dict[str, Any]:
    if spec.kind == "text":
        return dict(TEXT)
    if spec.kind == "texts":
        return {"type": "array", "items": dict(TEXT)}
    if spec.kind == "ids":
        return {"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": True}
    if spec.kind == "lang":
        return {"enum": list(LANGS)}
    if spec.kind == "image":
        return {"type": "string", "minLength": 1, "pattern": r"(?i)\.(png|jpe?g|gif|svg)$"}
    if spec.kind == "flag":
        return {"type": "boolean"}
    if spec.kind == "synonyms":
        return {"type": "array", "items": {"type": "array", "items": dict(TEXT), "minItems": 2}}
    if spec.kind == "count":
        return {
            "anyOf": [
                {"type": "integer", "minimum": 1, "maximum": MAX_LAYER_COUNT},
                {"type": "string", "pattern": "^" + COUNT_SYMBOL + "$"},
            ]
        }
    if spec.kind == "compare":
        return _object(COMPARE_KEYS)
    if spec.kind == "points":
        return {"type": "array", "items": {"anyOf": [dict(TEXT), _object(POINT_KEYS)]}}
    if spec.kind == "positive":
        return {"type": "integer", "minimum": 1, "maximum": MAX_POINTS}
    if spec.kind == "kinds":
        return {"type": "array", "minItems": 1, "items": {"anyOf": [{"type": "string"}, _object(GROUP_KEYS)]}}
    if spec.kind == "answer":
        return {"anyOf": [dict(TEXT), {"type": "array", "minItems": 1, "items": dict(TEXT)}]}
    if spec.kind == "choices":
        return {
            "type": "array",
            "minItems": MIN_CHOICES,
            "maxItems": MAX_CHOICES,
            "items": {"anyOf": [dict(TEXT), _object(CHOICE_KEYS)]},
        }
    if spec.kind == "layers":
        return {"type": "array", "minItems": 2, "items": {"anyOf": [dict(TEXT), _object(LAYER_KEYS)]}}
    if spec.kind == "steps":
        return {"type": "array", "minItems": 2, "items": {"anyOf": [dict(TEXT), _object(STEP_KEYS)]}}
    if spec.kind == "bands":
        band = _object(BAND_KEYS)
        band["properties"]["layers"]["minItems"] = 1
        return {"type": "array", "items": band}
    if spec.kind == "rows":
        return {"type": "array", "minItems": 1, "items": _object(ROW_KEYS)}
    if spec.kind == "cells":
        return {"type": "object", "minProperties": 1, "additionalProperties": dict(TEXT)}
    raise ValueError(spec.kind)


def _object(keys: Mapping[str, Field]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for name, spec in keys.items():
        prop = _value(spec)
        if spec.help:
            prop["description"] = spec.help
        properties[name] = prop
    required = [name for name, spec in keys.items() if spec.required]
    out: dict[str, Any] = {"type": "object", "additionalProperties": False, "properties": properties}
    if required:
        out["required"] = required
    return out


def fact_schema() -> dict[str, Any]:
    properties: dict[str, Any] = {name: _value(spec) | {"description": spec.help} for name, spec in FILE_KEYS.items()}
    for kind in KINDS:
        section, what = kind.section, kind.name
        item = _object({**COMMON, **kind.fields})
        item["properties"]["id"]["pattern"] = "^" + ID_PATTERN.pattern.removesuffix(r"\Z") + "$"
        item["properties"]["id"]["type"] = "string"
        properties[section] = {"type": ["array", "null"], "items": item, "description": f"A list of {what}s."}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "cardgen fact file",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }


def dumps() -> str:
    return json.dumps(fact_schema(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    print(dumps(), end="")
