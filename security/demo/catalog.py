"""What the demo findings and risks say: realistic problems of county and city systems, by source.

A finding template names its severity (or a choice of them), the standard clause or CVE it refers to, which asset it
sits on (the web host, the application or database server), and how it was rectified. Scanner templates may ask for
a technology in the system's stack (``tech``: a word of the OS, middleware or language). CVE numbers are real
public vulnerabilities of the products named; everything else is fictional.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class F:
    title: str
    severity: tuple[str, ...]  # drawn uniformly: repeat a severity to weight it
    reference: str
    asset: str  # web, app, db
    fix: str
    tech: str = ""  # only for systems whose stack mentions this word
    description: str = ""


STD = "GB/T 22239-2019 "
ASSESSMENT = (
    F(
        "管理员账户存在弱口令",
        ("high", "high", "critical"),
        STD + "安全计算环境-身份鉴别",
        "app",
        "已修改为12位以上复杂口令并启用90天定期更换策略",
    ),
    F(
        "未启用登录失败处理功能",
        ("medium",),
        STD + "安全计算环境-身份鉴别",
        "web",
        "已配置连续5次登录失败锁定账户30分钟",
    ),
    F(
        "远程管理未采用加密传输",
        ("high", "medium"),
        STD + "安全计算环境-身份鉴别",
        "app",
        "已关闭Telnet服务，统一通过堡垒机SSH方式运维",
    ),
    F(
        "未采用两种或两种以上组合的鉴别技术",
        ("medium",),
        STD + "安全计算环境-身份鉴别",
        "app",
        "管理员登录已启用口令+短信验证码双因素认证",
    ),
    F(
        "未实现管理用户权限分离",
        ("medium",),
        STD + "安全计算环境-访问控制",
        "app",
        "已设置系统管理员、安全管理员和审计管理员三类账户并分离权限",
    ),
    F(
        "默认账户未重命名或删除",
        ("low", "medium"),
        STD + "安全计算环境-访问控制",
        "db",
        "已删除数据库默认账户并重命名系统内置管理员账户",
    ),
    F(
        "日志留存不足6个月",
        ("medium",),
        STD + "安全计算环境-安全审计；《网络安全法》第二十一条",
        "app",
        "已部署日志审计系统，日志集中存储并保留180天以上",
    ),
    F(
        "未开启数据库审计功能",
        ("medium", "low"),
        STD + "安全计算环境-安全审计",
        "db",
        "已开启数据库审计并接入日志审计平台",
    ),
    F(
        "存在SQL注入漏洞",
        ("high", "critical"),
        STD + "安全计算环境-入侵防范",
        "web",
        "已改用参数化查询并部署Web应用防火墙规则",
    ),
    F("存在越权访问漏洞", ("high",), STD + "安全计算环境-访问控制", "web", "已在服务端增加数据权限校验"),
    F("操作系统存在高危漏洞未修复", ("high",), STD + "安全计算环境-入侵防范", "app", "已安装安全补丁并重启验证"),
    F("敏感数据明文传输", ("high",), STD + "安全计算环境-数据保密性", "web", "已启用HTTPS并禁用HTTP访问"),
    F(
        "重要数据未进行异地备份",
        ("medium",),
        STD + "安全计算环境-数据备份恢复",
        "db",
        "已配置每日增量、每周全量备份并同步至异地灾备中心",
    ),
    F("个人信息展示未脱敏", ("medium",), STD + "安全计算环境-个人信息保护", "web", "身份证号、手机号已按规则脱敏显示"),
    F(
        "未部署防恶意代码软件或病毒库未及时更新",
        ("medium",),
        STD + "安全计算环境-恶意代码防范",
        "app",
        "已统一部署终端安全管理软件并设置病毒库自动更新",
    ),
    F(
        "网络边界未部署入侵防范措施",
        ("medium",),
        STD + "安全区域边界-入侵防范",
        "app",
        "已在政务云边界启用入侵防御服务",
    ),
    F(
        "未定期开展网络安全应急演练",
        ("low",),
        STD + "安全运维管理-应急预案管理",
        "app",
        "已修订应急预案并于本季度组织演练",
    ),
    F(
        "安全管理制度未定期评审修订",
        ("low",),
        STD + "安全管理制度-评审和修订",
        "app",
        "已组织评审并印发修订后的网络安全管理制度",
    ),
    F(
        "外包运维人员未签署保密协议",
        ("low",),
        STD + "安全管理人员-外部人员访问管理",
        "app",
        "已与运维单位及驻场人员签署保密协议",
    ),
)
INSPECTION = (
    F("离职人员账号未及时注销", ("medium",), "年度网络安全检查", "app", "已清理离职及调岗人员账号12个"),
    F("未开展网络安全意识培训", ("low",), "年度网络安全检查", "app", "已组织全员网络安全培训"),
    F("备份恢复未定期演练", ("low", "medium"), "年度网络安全检查", "db", "已完成一次备份恢复演练并留存记录"),
    F("网站存在未备案的子域名", ("medium",), "网信部门专项检查", "web", "已下线无用子域名并完成备案"),
    F("运维终端可直接访问互联网", ("medium",), "年度网络安全检查", "app", "已将运维终端划入独立区域并限制外联"),
    F("存在弱口令账户", ("high",), "公安机关网络安全检查", "app", "已全面排查并修改弱口令"),
)
INCIDENT = (
    F(
        "门户网站页面被篡改",
        ("critical",),
        "网络安全事件",
        "web",
        "已恢复页面、修复上传漏洞并部署网页防篡改",
        description="值班人员发现网站首页被植入博彩链接，按应急预案断网处置并报告网信部门。",
    ),
    F(
        "服务器感染挖矿木马",
        ("high",),
        "网络安全事件",
        "app",
        "已清除木马、修复弱口令并加固SSH配置",
        description="服务器CPU占用长期接近100%，排查发现挖矿程序及异常外联。",
    ),
    F(
        "终端感染勒索病毒",
        ("critical",),
        "网络安全事件",
        "app",
        "已隔离终端、从备份恢复数据并封堵445端口",
        description="一台办公终端文件被加密，病毒尝试通过共享目录横向传播。",
    ),
    F(
        "数据库遭暴力破解登录",
        ("high",),
        "网络安全事件",
        "db",
        "已限制数据库访问来源并修改口令",
        description="安全设备告警同一外部地址短时间内大量尝试登录数据库。",
    ),
    F(
        "网站遭受DDoS攻击导致服务中断",
        ("high",),
        "网络安全事件",
        "web",
        "已接入政务云抗DDoS服务",
        description="网站在办事高峰期无法访问约2小时。",
    ),
)
SCANNER = (
    F("Apache Log4j2 远程代码执行漏洞", ("critical",), "CVE-2021-44228", "app", "已升级Log4j2至2.17.1", tech="Java"),
    F(
        "Spring Framework 远程代码执行漏洞（Spring4Shell）",
        ("critical",),
        "CVE-2022-22965",
        "app",
        "已升级Spring Framework至5.3.18",
        tech="Java",
    ),
    F(
        "Oracle WebLogic Server 远程代码执行漏洞",
        ("critical",),
        "CVE-2020-14882",
        "app",
        "已安装Oracle补丁并限制控制台访问",
        tech="WebLogic",
    ),
    F(
        "Apache Tomcat AJP 文件包含漏洞（Ghostcat）",
        ("high",),
        "CVE-2020-1938",
        "app",
        "已关闭AJP连接器并升级Tomcat",
        tech="Tomcat",
    ),
    F(
        "Windows 远程桌面服务远程代码执行漏洞（BlueKeep）",
        ("critical",),
        "CVE-2019-0708",
        "app",
        "已安装补丁并关闭对外开放的3389端口",
        tech="2008",
    ),
    F("OpenSSH 远程代码执行漏洞（regreSSHion）", ("high",), "CVE-2024-6387", "app", "已升级OpenSSH至9.8p1"),
    F("OpenSSH 用户枚举漏洞", ("medium",), "CVE-2018-15473", "app", "已升级OpenSSH"),
    F("SSL/TLS 协议信息泄露漏洞（SWEET32）", ("medium",), "CVE-2016-2183", "web", "已禁用3DES等弱加密套件"),
    F("nginx DNS 解析器内存越界写入漏洞", ("high",), "CVE-2021-23017", "web", "已升级nginx至1.20.1"),
    F("jQuery 跨站脚本漏洞", ("medium",), "CVE-2020-11022", "web", "已升级jQuery至3.5.0以上"),
    F("ICMP 时间戳请求响应", ("low",), "CVE-1999-0524", "app", "已在防火墙上过滤ICMP时间戳请求"),
    F("Redis 未授权访问", ("high",), "", "db", "已设置访问口令并绑定内网地址"),
    F("数据库端口对互联网开放", ("medium",), "", "db", "已在安全组中关闭对外访问"),
    F("Web 服务器版本信息泄露", ("low",), "", "web", "已隐藏响应头中的版本信息"),
    F("HTTP 响应缺少安全头", ("low",), "", "web", "已配置X-Frame-Options、Content-Security-Policy等响应头"),
    F("SSL 证书已过期", ("medium",), "", "web", "已更换证书并设置到期提醒"),
)
# Crypto findings by item (GB/T 39786-2021 应用和数据安全): the title and the fix.
CRYPTO = {
    "a": ("身份鉴别未采用SM2数字证书", "已部署国密数字证书认证，管理员使用USBKey登录"),
    "b": ("访问控制信息未进行完整性保护", "已采用SM3-HMAC保护权限表"),
    "c": ("重要信息资源安全标记未进行完整性保护", "已对安全标记采用SM2签名"),
    "d": ("敏感数据明文传输，未采用国密SSL", "已部署国密SSL网关"),
    "e": ("未部署SM4存储加密", "已对敏感字段实施SM4加密存储"),
    "f": ("重要数据传输未进行完整性保护", "已增加SM3-HMAC校验"),
    "g": ("重要数据存储未进行完整性校验", "已采用SM3-HMAC对重要数据进行完整性保护"),
    "h": ("关键操作未实现不可否认性", "已对审批等关键操作采用SM2数字签名"),
}
VERIFIED = ("经复测，问题已整改到位。", "现场核查整改材料齐全，复测通过。", "已复核，整改有效，同意关闭。")


@dataclass(frozen=True)
class R:
    title: str  # {system} is replaced by a system's name
    likelihood: tuple[int, int]
    impact: tuple[int, int]
    treatment: str
    plan: str
    data: bool = False  # also linked to data resources


RISKS = (
    R(
        "{system}单点部署，硬件故障将导致业务中断",
        (2, 3),
        (3, 4),
        "reduce",
        "迁移至政务云并配置应用双机热备和数据库主备复制。",
    ),
    R(
        "外包运维人员持有{system}超级管理员权限",
        (3, 4),
        (3, 4),
        "reduce",
        "通过运维堡垒机集中管控，按最小权限分配账号，运维操作全程录像审计。",
    ),
    R(
        "{system}存储大量公民个人信息，存在批量泄露风险",
        (2, 3),
        (4, 5),
        "reduce",
        "敏感字段SM4加密存储，批量导出实行审批，部署数据库审计。",
        data=True,
    ),
    R(
        "勒索病毒攻击导致{system}业务数据被加密",
        (2, 3),
        (4, 5),
        "reduce",
        "落实3-2-1备份策略，每周一次离线备份，终端统一部署防病毒软件。",
    ),
    R(
        "{system}运行在已停止维护的操作系统上",
        (3, 4),
        (2, 3),
        "reduce",
        "列入信创替代计划，迁移至国产操作系统并完成适配测试。",
    ),
    R(
        "运维合同到期后{system}无人维护",
        (2, 3),
        (2, 3),
        "transfer",
        "续签运维合同，明确服务水平，约定源代码和技术文档移交。",
    ),
    R(
        "{system}面向互联网开放，易遭受网页篡改和DDoS攻击",
        (3, 4),
        (3, 3),
        "transfer",
        "接入政务云安全防护服务，部署网页防篡改和抗DDoS服务。",
    ),
    R(
        "数据共享接口未鉴权，数据可能被越权调用",
        (2, 3),
        (3, 4),
        "reduce",
        "接口统一接入共享交换平台，启用调用方身份认证和访问日志。",
        data=True,
    ),
    R("机房空调和UPS老化，存在宕机风险", (2, 3), (2, 3), "avoid", "将剩余服务器迁入政务云机房，自建机房年内撤销。"),
    R("离职和调岗人员账号未及时注销", (3, 4), (1, 2), "reduce", "与人事部门建立账号注销联动机制，每季度清理一次账号。"),
    R("业务部门使用个人网盘传输工作文件", (2, 4), (2, 3), "reduce", "部署政务网盘并开展保密培训。"),
    R(
        "测试数据使用真实个人信息",
        (1, 2),
        (3, 4),
        "accept",
        "短期内接受，供应商签署保密承诺，下一期建设时改用脱敏数据。",
        data=True,
    ),
)
