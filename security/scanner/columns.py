"""The generic import of any scanner's CSV or .xlsx: a column mapping says which column holds each of our fields (it
can be saved per unit, ScannerMapping, and is offered again next time), and the severity words which of our
severities each word means. Scanners name their columns in their own words (绿盟 RSAS: 漏洞名称/风险等级/主机/端口/
CVE编号); the usual ones are guessed."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.io.parsers import fold

from .rows import Raw, split_cves


@dataclass(frozen=True)
class Target:
    name: str
    label: object
    required: bool
    guesses: tuple[str, ...]  # header words that usually mean this field, folded


TARGETS = [
    Target(
        "title",
        _("Title"),
        True,
        ("漏洞名称", "名称", "漏洞", "风险名称", "name", "pluginname", "vulnerability", "title"),
    ),
    Target(
        "severity",
        _("Severity"),
        True,
        ("风险等级", "危险等级", "威胁等级", "等级", "级别", "严重程度", "risk", "severity"),
    ),
    Target(
        "asset", _("Host or IP address"), False, ("主机", "ip", "ip地址", "主机ip", "资产", "目标", "host", "asset")
    ),
    Target("port", _("Port"), False, ("端口", "port")),
    Target("reference", _("Reference (CVE)"), False, ("cve编号", "cve", "cve id", "编号引用", "reference")),
    Target("description", _("Description"), False, ("描述", "漏洞描述", "详细描述", "description", "synopsis")),
    Target("solution", _("Solution"), False, ("解决方案", "解决办法", "修复建议", "整改建议", "solution")),
    Target("found_on", _("Found on"), False, ("发现时间", "发现日期", "扫描时间", "时间", "date", "found")),
    Target(
        "external_id", _("Scanner's identifier"), False, ("漏洞编号", "插件编号", "编号", "id", "plugin id", "pluginid")
    ),
]
TARGET_NAMES = [t.name for t in TARGETS]


def guess_columns(headers: list[str]) -> dict[str, str]:
    """Our field → the file's header, for the headers that look like one of ours (each header used once)."""
    folded = {fold(h): h for h in headers if h}
    found: dict[str, str] = {}
    for target in TARGETS:
        for word in target.guesses:
            header = folded.get(fold(word))
            if header and header not in found.values():
                found[target.name] = header
                break
    return found


class MappedRows:
    """The rows of a mapped file as Raw rows: the mapped columns in our fields, the description and the solution in
    the description (the solution under its column's name)."""

    def __init__(self, columns: dict, headers: list[str]):
        self.position = {name: headers.index(header) for name, header in columns.items() if header in headers}
        self.columns = {"asset": columns.get("asset", ""), "host": columns.get("asset", ""), **columns}

    def cell(self, cells, name) -> str:
        position = self.position.get(name)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    def raw(self, number: int, cells: list[str]) -> Raw:
        value = {name: self.cell(cells, name) for name in TARGET_NAMES}
        reference = value["reference"]
        return Raw(
            number=number,
            cells=tuple(cells),
            title=value["title"],
            word=value["severity"],
            host=value["asset"],
            port=value["port"],
            reference=reference,
            cves=split_cves(reference) if reference.upper().startswith("CVE-") else [],
            external_id=value["external_id"],
            found=value["found_on"],
            details=[("", value["description"]), (self.columns.get("solution", ""), value["solution"])],
            columns=self.columns,
            cve_in_key=True,
        )
