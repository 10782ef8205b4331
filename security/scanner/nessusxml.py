"""Nessus's own export, the ``.nessus`` file (NessusClientData_v2): per ``ReportHost`` its ``HostProperties``
(host-ip, HOST_START…) and one ``ReportItem`` per plugin result, with the port, service, protocol, severity (0–4),
pluginID and pluginName as attributes and the ``cve`` elements, ``risk_factor``, synopsis, description, solution,
plugin_output… as children.

As in Nessus's CSV export, an item that names several CVEs becomes one finding per CVE, so that the two exports of a
scan key their findings alike. The XML is parsed by defusedxml, streamed, with no DTD at all (billion laughs,
external entities are refused with a message) and within the import limits: the file's size, the nesting, the
number of elements and the length of a text.
"""

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import defusedxml
import defusedxml.ElementTree as DET
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.io import ImportFileError
from core.io.limits import table_limits

from .rows import Raw

ROOT = "NessusClientData_v2"
# risk_factor first; the severity attribute (0 informational … 4 critical) when an item has none.
SEVERITY_WORDS = {"0": "None", "1": "Low", "2": "Medium", "3": "High", "4": "Critical"}
PLACED = {"cve", "risk_factor"}
DATE_FORMAT = "%a %b %d %H:%M:%S %Y"  # HOST_START: "Sun Mar 15 10:20:33 2026"
COLUMNS = {
    "title": "pluginName",
    "severity": "risk_factor",
    "host": "host-ip",
    "asset": "host-ip",
    "port": "port",
    "protocol": "protocol",
    "external_id": "pluginID",
    "reference": "cve",
    "found_on": "HOST_START",
}


def looks_like_xml(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"<?xml") or text.startswith(b"<" + ROOT.encode())


def scan_day(properties: dict) -> str:
    stamp = properties.get("HOST_START_TIMESTAMP", "")
    if stamp.isdigit():
        moment = dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC)
        return timezone.localtime(moment).date().isoformat()
    try:
        return dt.datetime.strptime(properties.get("HOST_START", ""), DATE_FORMAT).date().isoformat()
    except ValueError:
        return properties.get("HOST_START", "")


def item_raws(number: int, item, host: str, properties: dict) -> list[Raw]:
    attrs = dict(item.attrib)
    children = [(child.tag, (child.text or "").strip()) for child in item]
    cves = [text for tag, text in children if tag == "cve" and text]
    risk = next((text for tag, text in children if tag == "risk_factor" and text), "")
    details = [("svc_name", attrs.get("svc_name", "")), ("pluginFamily", attrs.get("pluginFamily", ""))]
    details += [(tag, text) for tag, text in children if tag not in PLACED]
    name = properties.get("host-fqdn") or properties.get("netbios-name") or ""
    if name and name != host:
        details.insert(0, ("host-fqdn", name))
    base = {
        "number": number,
        "title": attrs.get("pluginName", ""),
        "word": risk or SEVERITY_WORDS.get(attrs.get("severity", ""), attrs.get("severity", "")),
        "host": host,
        "port": attrs.get("port", ""),
        "protocol": attrs.get("protocol", ""),
        "external_id": attrs.get("pluginID", ""),
        "found": scan_day(properties),
        "details": details,
        "columns": COLUMNS,
        "cve_in_key": True,
    }
    cells = (host, tuple(sorted(attrs.items())), tuple(children))
    return [Raw(cells=(*cells, cve), cves=[cve] if cve else [], **base) for cve in cves or [""]]


def hostile() -> ImportFileError:
    return ImportFileError(
        _(
            "The XML file declares a DTD or entities, which are not allowed (they can expand without bound or read "
            "other files). Export the scan from Nessus again as .nessus."
        )  # fmt: skip
    )


def read(fileobj) -> Iterator[Raw]:
    """The Raw rows of a .nessus file, streamed; ImportFileError when the file is hostile, damaged or too large."""
    limits = table_limits()
    depth_limit = settings.GOVCIO_IMPORT_MAX_XML_DEPTH
    fileobj.seek(0)
    depth = elements = items = 0
    host, properties = "", {}
    try:
        for event, element in DET.iterparse(fileobj, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                depth += 1
                elements += 1
                if depth == 1 and element.tag != ROOT:
                    raise ImportFileError(_("This XML file is not a Nessus .nessus (v2) export."))
                if depth > depth_limit:
                    message = _("The XML file is nested more than {limit} levels deep.")
                    raise ImportFileError(message.format(limit=depth_limit))
                if elements > limits.cells:
                    message = _("The file has more than {limit} cells. Please split it into smaller files.")
                    raise ImportFileError(message.format(limit=limits.cells))
                if element.tag == "ReportHost":
                    host, properties = element.get("name", ""), {}
                continue
            depth -= 1
            texts = [element.text or "", *element.attrib.values()]
            if any(len(text) > limits.cell_chars for text in texts):
                message = _("Item {row} has a text longer than {limit} characters.")
                raise ImportFileError(message.format(row=items + 1, limit=limits.cell_chars))
            if element.tag == "tag" and depth == 4:  # NessusClientData_v2/Report/ReportHost/HostProperties/tag
                properties[element.get("name", "")] = (element.text or "").strip()
            elif element.tag == "HostProperties":
                host = properties.get("host-ip") or host
            elif element.tag == "ReportItem":
                items += 1
                if items > limits.rows:
                    message = _("The file has more than {limit} rows. Please split it into smaller files.")
                    raise ImportFileError(message.format(limit=limits.rows))
                yield from item_raws(items, element, host, properties)
                element.clear()
            elif element.tag == "ReportHost":
                element.clear()
    except defusedxml.DefusedXmlException:
        raise hostile() from None
    except ET.ParseError as exc:
        raise ImportFileError(
            _("The XML file is damaged ({problem}). Export the scan again as .nessus.").format(problem=exc)
        ) from None
