"""Plan a government's public service items (政务服务事项) and the systems that deliver them.

An item's code imitates an implementation code: the unified social credit code of the implementing unit, the item
type (demo numbering: 01 许可 … 20 公共服务), a 5-digit main item and a 3-digit sub-item, and ``000``.
"""

import random

from core.choices import UnitKind
from inventory import choices as c
from inventory.models import ServiceItem

from .catalog import DEPARTMENTS, OFFICES, SUBUNITS
from .places import Group, PlannedSystem

KIND_CODES = {
    "许可": "01",
    "征收": "04",
    "给付": "05",
    "确认": "07",
    "奖励": "08",
    "裁决": "09",
    "其他": "10",
    "服务": "20",
}
KIND_CHANNELS = {
    "许可": ([c.Channel.ONLINE, c.Channel.WINDOW], [6, 4]),
    "给付": ([c.Channel.ONLINE, c.Channel.WINDOW, c.Channel.MOBILE], [4, 4, 2]),
    "确认": ([c.Channel.ONLINE, c.Channel.WINDOW], [5, 5]),
    "服务": ([c.Channel.ONLINE, c.Channel.MOBILE, c.Channel.SELF_SERVICE], [5, 4, 1]),
}
PRESENT = {"p": 0.7, "c": 0.85, "x": 0.92, "t": 0.9}  # how likely a government implements a typical item itself
WITHOUT_SYSTEM = 0.12  # items still handled on paper at the window


def _main_numbers() -> dict[str, int]:
    numbers: dict[str, int] = {}
    for table in (DEPARTMENTS, SUBUNITS, OFFICES):
        for catalog in table.values():
            for service in catalog.services:
                numbers.setdefault(service.name, len(numbers) + 1)
    return numbers


MAIN_NUMBERS = _main_numbers()


class ServicePlanner:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.codes: set[str] = set()

    def plan(self, group: Group) -> None:
        rng = self.rng
        by_name: dict[tuple[int, str], PlannedSystem] = {}
        for planned in group.systems:
            if planned.template is not None:
                by_name.setdefault((id(planned.origin), planned.template.name), planned)
        for place in group.places:
            if not place.own:
                continue
            portal = group.hubs.get((place.gov.pk, "portal"))
            if portal is None and place.gov.kind == UnitKind.TOWNSHIP:
                portal = next((s for (gov, role), s in group.hubs.items() if role == "portal"), None)
            for service in place.catalog.services:
                if rng.random() >= PRESENT[place.level]:
                    continue
                delivering = []
                system = by_name.get((id(place), service.system)) if service.system else None
                if system is not None and system.obj.status in ("running", "suspended"):
                    delivering.append(system)
                if portal is not None and service.kind != "其他" and rng.random() < 0.5:
                    delivering.append(portal)
                if rng.random() < WITHOUT_SYSTEM:
                    delivering = []
                # A township item is implemented where its delivering system runs (the 便民服务中心, if any).
                unit = place.unit
                if place.level == "t" and system is not None and system.place.gov is place.gov:
                    unit = system.place.unit
                if service.channel:
                    channel = service.channel
                else:
                    choices, weights = KIND_CHANNELS.get(service.kind, KIND_CHANNELS["服务"])
                    channel = rng.choices(choices, weights)[0]
                item = ServiceItem(name=service.name, code=self._code(unit, service), unit=unit, channel=channel)
                for planned in delivering:
                    planned.services += 1
                group.services.append((item, delivering))

    def _code(self, unit, service) -> str:
        credit = unit.credit_code if len(unit.credit_code or "") == 18 else unit.code.replace("-", "").ljust(18, "0")
        code = f"{credit}{KIND_CODES[service.kind]}{MAIN_NUMBERS[service.name]:05d}000000"
        while code in self.codes:  # two units sharing a credit code, or one name twice: a sub-item number
            code = code[:-6] + f"{int(code[-6:-3]) + 1:03d}000"
        self.codes.add(code)
        return code
