"""Chinese wording of the demo security data: grading rationales, experts, institutions, review and rejection
reasons. Every person and organisation here is fictional; any likeness to a real one is chance."""

from ..choices import HarmDegree, HarmObject

NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五"}
OBJECTS = {
    HarmObject.CITIZEN: "公民、法人和其他组织的合法权益",
    HarmObject.SOCIETY: "社会秩序和公共利益",
    HarmObject.NATION: "国家安全",
}
DEGREES = {
    HarmDegree.GENERAL: "一般损害",
    HarmDegree.SERIOUS: "严重损害",
    HarmDegree.ESPECIALLY_SERIOUS: "特别严重损害",
}
DATA = {
    "core": "系统汇聚和处理核心数据，一旦泄露或被篡改影响面极广",
    "important": "系统存储和处理大量公民个人信息等重要数据",
    "general": "系统处理的数据以一般业务数据为主，不涉及大量个人信息",
    "": "系统处理的数据以一般业务数据为主",
}
USERS = {
    "internal": "系统仅供本单位及相关部门工作人员使用，",
    "public": "系统面向社会公众和企业提供服务，",
    "both": "系统既供工作人员办公使用，也面向社会公众和企业提供服务，",
}


def level_text(level: int) -> str:
    return f"第{NUMERALS[level]}级"


def rationale(name: str, purpose: str, data_class: str, scope: str, business, service, grade) -> str:
    """The grading report's argument (GB/T 22240-2020 §6): purpose, then each harm and its sub-level, then the
    higher of the two."""
    purpose = (purpose or "支撑本单位日常业务办理").rstrip("。")
    return (
        f"定级对象为{name}。系统概况：{purpose}。{USERS.get(scope, '')}{DATA.get(data_class, DATA[''])}。"
        f"业务信息遭到破坏后，会对{OBJECTS[business.object]}造成{DEGREES[business.degree]}，"
        f"业务信息安全保护等级为{level_text(grade.business_level)}；"
        f"系统服务遭到破坏后，会对{OBJECTS[service.object]}造成{DEGREES[service.degree]}，"
        f"系统服务安全保护等级为{level_text(grade.service_level)}。"
        f"依据GB/T 22240-2020，取两者中的较高者，确定{name}的安全保护等级为{level_text(grade.level)}。"
    )


# Grading review (专家评审) --------------------------------------------------------------------------------------
EXPERTS = (  # (name, title and affiliation); 孙立新 is also the demo expert account (accounts.demo)
    ("孙立新", "西岭大学网络空间安全学院教授"),
    ("钱慧敏", "东川理工大学信息安全学院副教授"),
    ("杜文涛", "省网络安全等级保护测评中心高级工程师"),
    ("罗晓东", "南屏师范大学计算机科学学院副教授"),
    ("谢婉清", "北辰信息安全测评中心高级工程师"),
    ("彭志远", "省电子政务外网管理中心正高级工程师"),
    ("叶明哲", "中湖大学信息安全学院副教授"),
    ("邹建平", "省商用密码应用安全性评估中心高级工程师"),
)
DEMO_EXPERT = "孙立新"
AGREE = (
    "定级对象边界清晰，业务信息和系统服务受侵害客体及侵害程度分析合理，同意将{name}定为{level}。",
    "定级报告内容完整，定级依据充分，同意定级结论（{level}）。",
    "经审阅定级报告并听取汇报，认为{name}的定级要素分析准确，同意定为{level}。",
)
CHANGES = (
    "同意定为{level}。建议在定级报告中补充系统处理个人信息的数量及敏感程度说明。",
    "同意定级结论。建议明确定级对象边界，将支撑系统运行的数据库服务器和中间件纳入定级范围。",
    "同意定为{level}。建议补充系统服务中断对群众办事影响范围的分析。",
)
DISAGREE = "系统汇聚大量公民个人信息，业务信息遭到破坏后对社会秩序和公共利益造成严重损害的可能性较大，建议定为{level}。"
REJECTIONS = (
    "定级对象边界不清晰，未将支撑该系统的数据库服务器纳入定级范围，请补充后重新报送。",
    "定级报告中业务信息安全受侵害客体分析不充分，请补充个人信息数量及敏感程度说明。",
    "专家评审意见与定级结论不一致且未作说明，请重新组织论证。",
    "备案材料不全，缺少系统拓扑结构及说明、安全组织机构及管理制度，请补齐后重新备案。",
)
REVIEWS = (
    "系统新增面向企业的网上申报功能，服务范围由内部办公扩大到社会公众。",
    "系统接入省级数据共享交换平台，新增汇聚人口基础信息。",
    "系统迁移至政务云并与其他业务系统整合，承载的业务范围发生变化。",
    "系统处理的个人信息数量大幅增加，数据分类分级结果调整为重要数据。",
)

# Assessments (测评) and self-inspections (自查) ----------------------------------------------------------------
INSTITUTIONS = (  # fictional MLPS assessment institutions (等级测评机构)
    "北辰信息安全测评中心",
    "清岚网络安全等级保护测评有限公司",
    "衡远网络安全检测技术有限公司",
    "正鼎信息安全测评中心",
    "云岫网络安全技术检测中心",
    "远策网络安全测评有限公司",
)
CRYPTO_INSTITUTIONS = (  # fictional crypto assessment institutions (密评机构)
    "北辰商用密码应用安全性评估中心",
    "衡远密码测评技术有限公司",
    "正鼎密码应用安全性评估中心",
)
CONCLUSIONS = {"pass": "符合", "basic": "基本符合", "fail": "不符合"}


def assessment_summary(institution: str, name: str, level: int, score, conclusion: str, titles: list[str]) -> str:
    text = f"{institution}对{name}开展{level_text(level)}等级测评，综合得分{score}分，"
    text += f"测评结论为{CONCLUSIONS[conclusion]}。"
    if titles:
        text += "主要问题：" + "；".join(titles[:4]) + "。"
    return text


def inspection_summary(unit: str, name: str, conclusion: str, titles: list[str]) -> str:
    text = f"{unit}按照年度网络安全检查要求对{name}开展自查，结论为{CONCLUSIONS[conclusion]}。"
    if titles:
        text += "发现问题：" + "；".join(titles) + "，已建立整改台账。"
    else:
        text += "未发现明显问题。"
    return text


def crypto_summary(institution: str, name: str, level: int, score, conclusion: str) -> str:
    return (
        f"{institution}依据GB/T 39786-2021对{name}开展商用密码应用安全性评估（{level_text(level)}），"
        f"量化评估得分{score}分，结论为{CONCLUSIONS[conclusion]}。"
    )


# Crypto items a–h (GB/T 39786-2021 应用和数据安全): the note for a compliant and a non-compliant result -----------
CRYPTO_NOTES = {
    "a": ("采用基于SM2数字证书的身份鉴别", "仅采用用户名+口令方式登录，未使用密码技术进行身份鉴别"),
    "b": ("访问控制信息采用SM3-HMAC进行完整性保护", "访问控制信息未采用密码技术进行完整性保护"),
    "c": ("重要信息资源安全标记采用SM2签名保护", "未对重要信息资源安全标记进行完整性保护"),
    "d": ("传输通道采用国密SSL（SM2/SM4）加密", "重要数据通过HTTP明文传输"),
    "e": ("敏感字段采用SM4加密存储", "身份证号、手机号等敏感字段明文存储"),
    "f": ("传输数据采用SM3-HMAC校验", "重要数据传输未进行完整性保护"),
    "g": ("存储数据采用SM3-HMAC校验", "重要数据存储未进行完整性校验"),
    "h": ("关键业务操作采用SM2数字签名", "关键操作未采用数字签名，无法实现不可否认性"),
}
PARTIAL_NOTE = "部分实现：{done}，但仍有模块未覆盖"
