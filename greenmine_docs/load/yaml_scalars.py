"""How YAML scalars become values, the same for both ways of :func:`.yaml_input.parse`: the
ruamel.yaml round-trip loader with lenient number and date constructors
(:func:`round_trip_yaml`), and its scalar types made plain Python (:func:`plain_scalar`).

:mod:`.yaml_input` parses with it, :mod:`.yaml_fast` types libyaml's scalars with it: one
place, so the two ways cannot drift apart, and neither module needs the other's internals."""
from __future__ import annotations

import datetime as dt
from typing import Any


def round_trip_yaml() -> Any:
    """A new ruamel.yaml round-trip loader whose number and date constructors never fail on
    a value that only looks like one (:func:`lenient_number`, :func:`lenient_timestamp`)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.constructor.add_constructor("tag:yaml.org,2002:timestamp", lenient_timestamp)
    yaml.constructor.add_constructor("tag:yaml.org,2002:int", lenient_number)
    yaml.constructor.add_constructor("tag:yaml.org,2002:float", lenient_number)
    return yaml


def lenient_number(constructor: Any, node: Any) -> Any:
    """A plain scalar ruamel's resolver takes for a number but cannot build (``-_``, ``+_``:
    its constructor fails with IndexError) stays text instead of crashing the load; so does a
    number written with underscores (``1_5``: YAML 1.1 and ruamel read 15, YAML 1.2 has no such
    number), which the model then refuses as ambiguous, at its line."""
    from ruamel.yaml.constructor import RoundTripConstructor

    if "_" in str(node.value):
        return str(node.value)
    build = (RoundTripConstructor.construct_yaml_int if node.tag.endswith(":int")
             else RoundTripConstructor.construct_yaml_float)
    try:
        return build(constructor, node)
    except (ValueError, IndexError, TypeError, OverflowError):
        return str(node.value)


def lenient_timestamp(constructor: Any, node: Any) -> Any:
    """A date-looking value that is not a real date (2029-13-12) stays text, so the model
    reports it as a located format finding instead of the whole file failing to load."""
    from ruamel.yaml.constructor import RoundTripConstructor

    try:
        return RoundTripConstructor.construct_yaml_timestamp(constructor, node)
    except (ValueError, TypeError, OverflowError):
        return str(node.value)


def plain_scalar(value: Any) -> Any:
    """A scalar as plain Python (ruamel.yaml's scalar types, time zones kept only if given)."""
    from ruamel.yaml.scalarbool import ScalarBoolean
    from ruamel.yaml.scalarfloat import ScalarFloat
    from ruamel.yaml.scalarint import ScalarInt

    if isinstance(value, ScalarBoolean) or isinstance(value, bool):
        return bool(value)
    if isinstance(value, ScalarInt):
        return int(value)
    if isinstance(value, ScalarFloat):
        return float(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value
    return value
