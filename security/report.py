"""The grading report draft (定级报告) as a .docx, in the structure of the public security bureau's template for
GB/T 22240-2020: the system's description, the two harm analyses with the table cells used, the level, the expert
opinions, and the conclusion for the signatures.

The report is a filing document in Chinese, whatever the language of the page that asks for it, so its fixed text
is written in Chinese (the standard's own terms) rather than translated; the inventory's choices are shown in
Chinese through the catalogue. Fonts: 宋体 for the body and 黑体 for headings, set for East Asian text (w:eastAsia)
as well, or Word would fall back to a Latin font for the Chinese characters.
"""

import io

from django.utils import timezone, translation
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from inventory.models import DataResource, ServiceItem

from . import grading as table
from .choices import HarmDegree, HarmObject, Opinion
from .services.grading import own_rationale

TITLE = "《信息系统安全等级保护定级报告》"
OBJECTS = {
    HarmObject.CITIZEN: "公民、法人和其他组织的合法权益",
    HarmObject.SOCIETY: "社会秩序、公共利益",
    HarmObject.NATION: "国家安全",
}
DEGREES = {
    HarmDegree.GENERAL: "一般损害",
    HarmDegree.SERIOUS: "严重损害",
    HarmDegree.ESPECIALLY_SERIOUS: "特别严重损害",
}
LEVELS = {1: "第一级", 2: "第二级", 3: "第三级", 4: "第四级", 5: "第五级"}
CONCLUSIONS = {Opinion.AGREE: "同意", Opinion.AGREE_WITH_CHANGES: "修改后同意", Opinion.DISAGREE: "不同意"}
BODY_FONT, HEADING_FONT = ("SimSun", "宋体"), ("SimHei", "黑体")


def set_font(target, fonts, size=None, bold=None) -> None:
    """Latin and East Asian font of a style or a run."""
    latin, east_asian = fonts
    target.font.name = latin
    if size is not None:
        target.font.size = Pt(size)
    if bold is not None:
        target.font.bold = bold
    element = target.element if hasattr(target, "element") else target._element
    properties = element.get_or_add_rPr()
    properties.get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def new_document() -> Document:
    document = Document()
    set_font(document.styles["Normal"], BODY_FONT, size=12)
    for name, size in (("Title", 20), ("Heading 1", 15), ("Heading 2", 13)):
        set_font(document.styles[name], HEADING_FONT, size=size, bold=True)
    return document


def heading(document, text: str, level: int = 1) -> None:
    paragraph = document.add_heading(level=level)
    set_font(paragraph.add_run(text), HEADING_FONT)


def paragraph(document, text: str, bold: bool = False):
    result = document.add_paragraph()
    run = result.add_run(text)
    set_font(run, BODY_FONT, bold=bold)
    return result


def rows_table(document, rows, header: list[str] | None = None):
    width = len(header) if header else 2
    sheet = document.add_table(rows=0, cols=width)
    sheet.style = "Table Grid"
    for values in [header, *rows] if header else rows:
        cells = sheet.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = ""
            set_font(cell.paragraphs[0].add_run(str(value)), BODY_FONT, bold=values is header)
    return sheet


def matrix(document, chosen: tuple[str, str], setting: int) -> None:
    """The GB/T 22240-2020 table with the cell used marked ★."""
    header = ["受侵害的客体 \\ 侵害程度", *DEGREES.values()]
    rows = []
    for obj, obj_label in OBJECTS.items():
        cells = [obj_label]
        for degree in DEGREES:
            level = table.sub_level(table.Harm(obj, degree), citizen_especially_serious=setting)
            mark = "★ " if (obj, degree) == chosen else ""
            cells.append(f"{mark}{LEVELS[level]}")
        rows.append(cells)
    rows_table(document, rows, header)


def describe(document, grading, user) -> None:
    system = grading.system
    items = ServiceItem.objects.restrict(user, "view").filter(systems=system).order_by("code")
    resources = DataResource.objects.restrict(user, "view").filter(system=system).order_by("code")
    users = system.get_user_scope_display() + (f"（约 {system.user_count} 人）" if system.user_count else "")
    rows = [
        ("系统名称", system.name),
        ("系统编码", system.code),
        ("责任单位", system.owner_unit.name),
        ("责任人", system.responsible_person or "—"),
        ("业务用途", system.purpose or "—"),
        ("服务对象", users),
        ("上线日期", system.go_live_date.isoformat() if system.go_live_date else "—"),
        ("部署方式", system.get_hosting_display() or "—"),
        ("所在网络", system.get_network_display() or "—"),
        ("数据分级", system.get_data_class_display() or "—"),
        ("承载的政务服务事项", "、".join(item.name for item in items) or "—"),
        ("承载的政务信息资源", "、".join(resource.name for resource in resources) or "—"),
    ]
    heading(document, "一、信息系统描述")
    rows_table(document, rows)


def harm(document, number: str, title: str, obj: str, degree: str, level: int, kind: str, setting: int) -> None:
    heading(document, f"（{number}）{title}的确定", level=2)
    paragraph(
        document,
        f"{kind}受到破坏时所侵害的客体为“{OBJECTS[obj]}”，对该客体的侵害程度为“{DEGREES[degree]}”，"
        f"依据 GB/T 22240-2020 定级矩阵，{title}为{LEVELS[level]}。",
    )
    matrix(document, (obj, degree), setting)


def opinions(document, grading) -> None:
    heading(document, "三、专家评审意见")
    rows = [
        (
            o.expert_name,
            o.expert_title or "—",
            CONCLUSIONS.get(o.conclusion, o.conclusion),
            LEVELS.get(o.suggested_level, "—"),
            o.opinion,
            o.given_on.isoformat(),
        )
        for o in grading.opinions.filter(review_round=grading.review_round).order_by("given_on", "pk")
    ]
    if grading.level < 2:
        paragraph(document, "第一级信息系统无需组织专家评审。")
    elif rows:
        rows_table(document, rows, ["专家", "职称及单位", "结论", "建议等级", "意见", "日期"])
    else:
        paragraph(document, "（尚未形成专家评审意见。）")


def build(grading, user, setting: int) -> bytes:
    """The report of ``grading`` as .docx bytes; ``setting`` is the citizens × especially serious cell in force."""
    system = grading.system
    with translation.override("zh-hans"):
        document = new_document()
        title = document.add_heading(level=0)
        set_font(title.add_run(TITLE), HEADING_FONT)
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        subtitle = paragraph(document, f"{system.name}（{system.code}） 草稿 · {timezone.localdate().isoformat()}")
        subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER

        describe(document, grading, user)
        heading(document, "二、信息系统安全保护等级的确定")
        harm(
            document,
            "一",
            "业务信息安全保护等级",
            grading.business_object,
            grading.business_degree,
            grading.business_level,
            "业务信息",
            setting,
        )
        harm(
            document,
            "二",
            "系统服务安全保护等级",
            grading.service_object,
            grading.service_degree,
            grading.service_level,
            "系统服务",
            setting,
        )
        heading(document, "（三）安全保护等级", level=2)
        paragraph(document, "信息系统的安全保护等级由业务信息安全保护等级和系统服务安全保护等级的较高者决定。")
        header = ["信息系统名称", "业务信息安全保护等级", "系统服务安全保护等级", "安全保护等级"]
        row = [system.name, LEVELS[grading.business_level], LEVELS[grading.service_level], LEVELS[grading.level]]
        rows_table(document, [row], header)
        heading(document, "（四）定级理由", level=2)
        for line in own_rationale(grading.rationale).splitlines():  # the cells used are (一)–(三) above
            if line.strip():
                paragraph(document, line)

        opinions(document, grading)

        heading(document, "四、结论")
        paragraph(document, f"综上，{system.name}的安全保护等级确定为{LEVELS[grading.level]}。", bold=True)
        if setting != 2:
            paragraph(document, f"注：本级政府设定“公民、法人和其他组织的合法权益 × 特别严重损害”为{LEVELS[setting]}。")
        approval = (
            f"{grading.approved_by_name}（{grading.approved_on.isoformat()}）" if grading.approved_on else "（待审核）"
        )
        rows_table(
            document,
            [
                ("定级单位（盖章）", system.owner_unit.name),
                ("主管部门审核意见", approval),
                ("备案编号", grading.filing_number or "（待备案）"),
                ("日期", ""),
            ],
        )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
