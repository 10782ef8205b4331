"""Open-data portal catalogs as users have them: a JSON list or an Excel/CSV sheet whose columns carry Chinese names
(标题, 摘要, 数据提供方 …). Columns are found by name through the synonyms of ``data/portal_columns.yaml``; each row
becomes a data.json-shaped entry (unknown columns kept under their own name) and is mapped like any other catalog;
the provider is matched to a unit the user may import into, by name or short name."""

from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from core.io import ImportFileError
from core.io.readers import read_table
from core.io.sniff import sniff

from . import dcat_mapping as m
from .dcat_plan import map_datasets

COLUMNS_FILE = Path(__file__).parent / "data" / "portal_columns.yaml"
SPLIT = str.maketrans({"，": ",", "；": ",", ";": ",", "、": ",", "|": ","})


@cache
def vocabulary() -> dict:
    data = yaml.safe_load(COLUMNS_FILE.read_text(encoding="utf-8"))
    column_of = {str(name).strip(): key for key, names in data["columns"].items() for name in names}
    return {"column_of": column_of, "frequency": data["frequency"], "access": data["access"]}


def is_portal_row(row: dict) -> bool:
    column_of = vocabulary()["column_of"]
    return sum(1 for key in row if str(key).strip() in column_of) >= 2


def entry(row: dict) -> dict:
    """One portal row as a data.json entry; columns of no known name are kept under their own name."""
    vocab = vocabulary()
    d: dict = {}
    for column, value in row.items():
        key = vocab["column_of"].get(str(column).strip())
        text = "" if value is None else str(value).strip()
        if key is None:
            if text:
                d[str(column)] = value
            continue
        if not text:
            continue
        if key in ("keyword", "theme"):
            d[key] = [k.strip() for k in text.translate(SPLIT).split(",") if k.strip()]
        elif key == "publisher":
            d[key] = {"@type": "org:Organization", "name": text}
        elif key == "format":
            d["distribution"] = [{"@type": "dcat:Distribution", "format": f} for f in text.translate(SPLIT).split(",")]
        elif key == "accrualPeriodicity":
            d[key] = vocab["frequency"].get(text, text)
        elif key == "accessLevel":
            d[key] = vocab["access"].get(text, text)
        else:
            d[key] = text
    if not d.get("identifier") and d.get("title"):
        d["identifier"] = d["title"]  # a portal list names its datasets by title; kept for the next import
    return d


def rows_of(fileobj, name: str) -> list[dict]:
    from .dcat import DcatError, read_json

    head = fileobj.read(1)
    fileobj.seek(0)
    if head in (b"{", b"[", b"\xef"):
        doc = read_json(fileobj)
        rows = doc if isinstance(doc, list) else doc.get("data") if isinstance(doc, dict) else None
        return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    try:
        header, rows = read_table(fileobj, sniff(fileobj, name or "catalog.xlsx"))
        return [dict(zip(header, cells, strict=False)) for _number, cells in rows]
    except ImportFileError as exc:
        raise DcatError(exc.message) from None


def parse(fileobj, *, user, options, name: str = ""):
    from .dcat import DcatError

    rows = rows_of(fileobj, name)
    if not any(is_portal_row(r) for r in rows):
        raise DcatError(_("No datasets found: the list has no columns such as 标题, 摘要 or 数据提供方."))
    raws = [m.datajson_raw(entry(row)) for row in rows]
    reports = map_datasets(raws, user=user, options=options)
    units = _units(user)
    for raw, report in zip(raws, reports, strict=True):
        _provider(report, raw.publisher, units)
    return reports


def _units(user) -> list:
    from core.forms import units_where

    from .models import DataResource

    allowed = units_where(user, "add", DataResource).restrict(user, "import", grants_of=DataResource)
    return list(allowed.only("pk", "name", "short_name", "code"))


def _provider(report, name: str, units: list) -> None:
    """The unit named as provider, by its name or short name (a full name that ends with the portal's shorter
    one counts when only one unit does); otherwise the unit chosen on the form, and the report says so."""
    name = name.strip()
    if not name:
        return
    exact = [u for u in units if name in (u.name, u.short_name)]
    found = exact or [u for u in units if u.name.endswith(name) or name.endswith(u.name)]
    if len(found) == 1:
        report.provider = found[0]
        report.unmapped = [u for u in report.unmapped if name not in u]
        report.mapped.append(_("provider: {name} → {unit}").format(name=name, unit=found[0].name))
    else:
        message = _("Provider “{name}”: no single unit of yours has this name; the unit you chose is used.")
        report.unmapped.append(message.format(name=name))
