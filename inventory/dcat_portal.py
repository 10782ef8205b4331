"""Open-data portal catalogs as users have them: a JSON list of rows whose columns carry Chinese names (标题, 摘要,
数据提供方 …). Columns are found by name through a table of synonyms (data, ``PORTAL_COLUMNS``), each row becomes a
data.json-shaped entry and is mapped like any other catalog."""

from django.utils.translation import gettext as _

from . import dcat_mapping as m
from .dcat_plan import map_datasets

PORTAL_COLUMNS = {
    "title": ("标题", "名称", "数据集名称", "资源名称", "目录名称"),
    "description": ("摘要", "描述", "简介", "数据摘要", "资源摘要"),
    "publisher": ("提供机构", "数据提供方", "提供单位", "来源部门", "数据来源"),
    "theme": ("数据领域", "主题", "领域", "行业分类"),
    "accrualPeriodicity": ("更新周期", "更新频率", "频率"),
    "format": ("资源格式", "数据格式", "格式", "文件格式"),
    "accessLevel": ("开放条件", "公开属性", "开放属性", "开放类型"),
    "keyword": ("关键字", "关键词", "标签"),
    "issued": ("发布时间", "发布日期", "首次发布"),
    "identifier": ("标识", "编号", "目录编码", "资源代码", "id", "ID"),
}
FREQUENCY = {"实时": "R/PT1S", "每日": "R/P1D", "每天": "R/P1D", "每周": "R/P1W", "每月": "R/P1M", "每季度": "R/P3M",
             "每半年": "R/P6M", "每年": "R/P1Y", "不定期": "irregular"}  # fmt: skip
ACCESS = {"无条件开放": "public", "有条件开放": "restricted public", "不予开放": "non-public", "不开放": "non-public"}
COLUMN_OF = {name: key for key, names in PORTAL_COLUMNS.items() for name in names}


def is_portal_row(row: dict) -> bool:
    return sum(1 for key in row if str(key).strip() in COLUMN_OF) >= 2


def entry(row: dict) -> dict:
    """One portal row as a data.json entry; columns of no known name are kept under their own name."""
    d: dict = {}
    for column, value in row.items():
        key = COLUMN_OF.get(str(column).strip())
        text = "" if value is None else str(value).strip()
        if key is None:
            d[str(column)] = value
        elif key == "keyword":
            d[key] = [k for k in text.replace("，", ",").replace("；", ",").replace(";", ",").split(",") if k.strip()]
        elif key == "publisher":
            d[key] = {"@type": "org:Organization", "name": text}
        elif key == "format":
            d["distribution"] = [{"@type": "dcat:Distribution", "format": text}]
        elif key == "accrualPeriodicity":
            d[key] = FREQUENCY.get(text, text)
        elif key == "accessLevel":
            d[key] = ACCESS.get(text, text)
        elif key == "theme":
            d[key] = [text]
        else:
            d[key] = text
    if not d.get("identifier"):
        d["identifier"] = d.get("title", "")  # a portal list names datasets by title
    return d


def parse(fileobj, *, user, options, name: str = ""):
    from .dcat import DcatError, read_json

    doc = read_json(fileobj)
    rows = doc if isinstance(doc, list) else doc.get("data") if isinstance(doc, dict) else None
    if not isinstance(rows, list) or not any(isinstance(r, dict) and is_portal_row(r) for r in rows):
        raise DcatError(_("No datasets found: the list has no columns such as 标题, 摘要 or 数据提供方."))
    raws = [m.datajson_raw(entry(row)) for row in rows if isinstance(row, dict)]
    return map_datasets(raws, user=user, options=options)
