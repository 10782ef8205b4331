"""Scanner exports made by the tests, shaped exactly like the real ones: the Greenbone GVM "CSV Results" report, the
Nessus CSV export (one row per plugin, host, port and CVE) and the Nessus v2 XML file (.nessus)."""

import csv
import io
from xml.sax.saxutils import escape, quoteattr

from django.core.files.uploadedfile import SimpleUploadedFile

GVM_HEADER = [
    "IP", "Hostname", "Port", "Port Protocol", "CVSS", "Severity", "QoD", "Solution Type", "NVT Name", "Summary",
    "Specific Result", "NVT OID", "CVEs", "Task ID", "Task Name", "Timestamp", "Result ID", "Impact", "Solution",
    "Affected Software/OS", "Vulnerability Insight", "Vulnerability Detection Method", "Product Detection Result",
    "BIDs", "CERTs", "Other References",
]  # fmt: skip

LOG4J_OID = "1.3.6.1.4.1.25623.1.0.117838"
SSH_OID = "1.3.6.1.4.1.25623.1.0.150711"
ELEVEN_CVES = [
    "CVE-2023-38408", "CVE-2023-28531", "CVE-2023-25136", "CVE-2021-41617", "CVE-2021-28041", "CVE-2020-15778",
    "CVE-2020-14145", "CVE-2019-6111", "CVE-2019-6110", "CVE-2019-6109", "CVE-2018-20685",
]  # fmt: skip


def gvm_row(ip, port, severity, name, oid, cves, *, stamp="2026-03-15T10:20:33Z", result="r", host="", cvss="10.0"):
    values = {
        "IP": ip,
        "Hostname": host,
        "Port": port,
        "Port Protocol": "tcp" if port else "",
        "CVSS": cvss,
        "Severity": severity,
        "QoD": "95",
        "Solution Type": "VendorFix",
        "NVT Name": name,
        "Summary": f"{name}: summary of the NVT.",
        "Specific Result": f"Installed version: 2.14.1\nFixed version: 2.17.1\nInstallation path: /opt/{ip}",
        "NVT OID": oid,
        "CVEs": ",".join(cves),
        "Task ID": "6c9a2e4b-6a7e-4d0c-9d5c-0b7cbf5e1a10",
        "Task Name": "县政务外网季度扫描",
        "Timestamp": stamp,
        "Result ID": f"{result}-5d7c-4a43-9b0e-{ip.replace('.', '')}",
        "Impact": "Successful exploitation allows remote code execution.",
        "Solution": "Update to version 2.17.1 or later.",
        "Affected Software/OS": "Apache Log4j 2.0-beta9 through 2.14.1",
        "Vulnerability Insight": "JNDI features do not protect against attacker controlled LDAP endpoints.",
        "Vulnerability Detection Method": "Checks if a vulnerable version is present on the target host.",
        "Product Detection Result": "Product: cpe:/a:apache:log4j:2.14.1",
        "BIDs": "",
        "CERTs": "DFN-CERT-2021-2551,CB-K21/1290",
        "Other References": "https://logging.apache.org/log4j/2.x/security.html",
    }
    return [values[name] for name in GVM_HEADER]


GVM_ROWS = [
    # One NVT on several hosts and ports: three findings.
    gvm_row("10.32.8.21", "8080", "High", "Apache Log4j RCE (Log4Shell)", LOG4J_OID,
            ["CVE-2021-44228", "CVE-2021-45046"], host="app01.zw.gov.cn"),
    gvm_row("10.32.8.22", "8080", "High", "Apache Log4j RCE (Log4Shell)", LOG4J_OID,
            ["CVE-2021-44228", "CVE-2021-45046"]),
    gvm_row("10.32.8.21", "8443", "High", "Apache Log4j RCE (Log4Shell)", LOG4J_OID,
            ["CVE-2021-44228", "CVE-2021-45046"]),
    # One NVT with eleven CVEs: longer than a reference's 100 characters, kept whole.
    gvm_row("10.32.8.22", "22", "Medium", "OpenSSH Multiple Vulnerabilities", SSH_OID, ELEVEN_CVES, cvss="6.8"),
    gvm_row("10.32.8.21", "general", "Low", "TCP Timestamps Information Disclosure", "1.3.6.1.4.1.25623.1.0.80091",
            [], cvss="2.6"),
    gvm_row("10.32.8.21", "general", "Log", "OS Detection Consolidation and Reporting", "1.3.6.1.4.1.25623.1.0.105937",
            [], cvss="0.0"),
    gvm_row("10.32.8.22", "443", "False Positive", "SSL/TLS: Report Weak Cipher Suites", "1.3.6.1.4.1.25623.1.0.103440",
            [], cvss="5.0"),
]  # fmt: skip


def csv_upload(header, rows, name, encoding="utf-8") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode(encoding), content_type="text/csv")


def gvm_csv(rows=None, name="report-6c9a2e4b.csv") -> SimpleUploadedFile:
    return csv_upload(GVM_HEADER, GVM_ROWS if rows is None else rows, name)


NESSUS_HEADER = [
    "Plugin ID", "CVE", "CVSS v2.0 Base Score", "Risk", "Host", "Protocol", "Port", "Name", "Synopsis", "Description",
    "Solution", "See Also", "Plugin Output",
]  # fmt: skip
LOG4J_PLUGIN = "156032"


def nessus_row(plugin, cve, risk, host, port, name, *, score="10.0", output="Path : /opt/app/log4j-core-2.14.1.jar"):
    return [plugin, cve, score, risk, host, "tcp", port, name, f"{name}: synopsis.",
            f"The remote host is affected by {name}.", "Upgrade to the latest version.",
            "https://www.tenable.com/plugins/nessus/" + plugin, output]  # fmt: skip


NESSUS_ROWS = [
    # One plugin, two CVEs: Nessus writes a row per CVE, and each is a finding.
    nessus_row(LOG4J_PLUGIN, "CVE-2021-44228", "Critical", "10.32.8.21", "8080", "Apache Log4Shell RCE"),
    nessus_row(LOG4J_PLUGIN, "CVE-2021-45046", "Critical", "10.32.8.21", "8080", "Apache Log4Shell RCE"),
    nessus_row(LOG4J_PLUGIN, "CVE-2021-44228", "Critical", "10.32.8.22", "8080", "Apache Log4Shell RCE"),
    nessus_row("57582", "", "Medium", "10.32.8.21", "443", "SSL Self-Signed Certificate", score="6.4",
               output='Subject : CN=app01, O="县大数据中心"\nIssuer  : CN=app01'),
    nessus_row("10881", "", "None", "10.32.8.21", "22", "SSH Protocol Versions Supported", score="",
               output="- SSH protocol version 2.0"),
]  # fmt: skip


def nessus_csv(rows=None, name="Quarterly_scan_abc123.csv") -> SimpleUploadedFile:
    return csv_upload(NESSUS_HEADER, NESSUS_ROWS if rows is None else rows, name)


def report_item(port, svc, severity, plugin, name, cves=(), risk="", family="Misc.", output="") -> str:
    children = "".join(f"<cve>{escape(cve)}</cve>" for cve in cves)
    children += f"<cvss_base_score>10.0</cvss_base_score><risk_factor>{escape(risk)}</risk_factor>" if risk else ""
    children += (
        f"<description>{escape(name)} allows a remote attacker to take over the host.</description>"
        f"<solution>Upgrade to the latest version.</solution><synopsis>{escape(name)}: synopsis.</synopsis>"
        f"<plugin_output>{escape(output)}</plugin_output><see_also>https://www.tenable.com/plugins/nessus/{plugin}"
        "</see_also>"
    )
    attrs = f'port="{port}" svc_name="{svc}" protocol="tcp" severity="{severity}" pluginID="{plugin}" '
    attrs += f"pluginName={quoteattr(name)} pluginFamily={quoteattr(family)}"
    return f"<ReportItem {attrs}>{children}</ReportItem>"


def report_host(ip, items, *, start="Sun Mar 15 10:20:33 2026", fqdn="") -> str:
    tags = {"HOST_END": "Sun Mar 15 11:02:10 2026", "host-ip": ip, "HOST_START": start, "operating-system": "Linux"}
    if fqdn:
        tags["host-fqdn"] = fqdn
    props = "".join(f'<tag name="{k}">{escape(v)}</tag>' for k, v in tags.items())
    return f'<ReportHost name="{ip}"><HostProperties>{props}</HostProperties>{"".join(items)}</ReportHost>'


NESSUS_HOSTS = [
    report_host("10.32.8.21", [
        report_item("0", "general", "0", "19506", "Nessus Scan Information", risk="None", family="Settings"),
        report_item("8080", "www", "4", LOG4J_PLUGIN, "Apache Log4Shell RCE", ["CVE-2021-44228", "CVE-2021-45046"],
                    risk="Critical", output="Path : /opt/app/log4j-core-2.14.1.jar"),
        report_item("443", "www", "2", "57582", "SSL Self-Signed Certificate", risk="Medium",
                    output="Subject : CN=app01"),
    ], fqdn="app01.zw.gov.cn"),
    report_host("10.32.8.22", [
        report_item("8080", "www", "4", LOG4J_PLUGIN, "Apache Log4Shell RCE", ["CVE-2021-44228"], risk="Critical"),
    ]),
]  # fmt: skip


def nessus_xml(hosts=None, name="Quarterly_scan_abc123.nessus") -> SimpleUploadedFile:
    body = "".join(NESSUS_HOSTS if hosts is None else hosts)
    text = (
        '<?xml version="1.0" ?>\n<NessusClientData_v2><Policy><policyName>Basic Network Scan</policyName></Policy>'
        f'<Report xmlns:cm="http://www.nessus.org/cm" name="县政务外网季度扫描">{body}</Report></NessusClientData_v2>'
    )
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="application/xml")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<NessusClientData_v2><Report name="x"><ReportHost name="&lol3;"/></Report></NessusClientData_v2>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE NessusClientData_v2 [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<NessusClientData_v2><Report name="x"><ReportHost name="&xxe;"/></Report></NessusClientData_v2>"""
