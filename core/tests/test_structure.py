"""The layout the code keeps (STYLE.md "Same shape, same names"): framework code lives in core and depends on no
domain app and not on accounts; one domain app uses another only through its domain API; every domain app has the
same parts. Read from the source with ``ast``, so an import inside a function counts as much as one at the top."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = ("accounts", "inventory", "security")

# What one domain app may use of another: its records and codes, its write services and read selectors, and the
# impact graph's public functions. Never its forms, filter sets, tables, schemas, API or views (framework code
# lives in core), and never a private name.
DOMAIN_API = ("models", "choices", "services", "selectors", "impact")
# Tests may also build records with the other app's factories (``tests/factories.py``, ``tests/*_factories.py``)
# and run its demo.
TEST_API = (*DOMAIN_API, "demo")

# Every domain app has these parts, each a module or a package (STYLE.md's layout).
SHAPE = (
    "models",
    "choices",
    "services",
    "selectors",
    "forms",
    "filtersets",
    "tables",
    "api",
    "schemas",
    "views",
    "urls",
)


def python_files(folder: str, *, tests: bool):
    for path in sorted((ROOT / folder).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "migrations" in parts:
            continue
        if ("tests" in parts) != tests:
            continue
        yield path


def imports(path: Path):
    """(line, module, names) of every import in the file, relative imports made absolute (``from ..forms import X``
    in security/views/ is ``security.forms``, ``X``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            yield node.lineno, module, [alias.name for alias in node.names]


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


def foreign_uses(app: str, *, tests: bool) -> list[tuple[str, str, str]]:
    """(place, other app's module, name) for every import of another domain app's code by ``app``."""
    found = []
    for path in python_files(app, tests=tests):
        for line, module, names in imports(path):
            top = module.split(".")[0]
            if top not in DOMAIN_APPS or top == app:
                continue
            if module == top:  # from inventory import impact, choices as ic
                found += [(where(path, line), f"{top}.{name}", "") for name in names]
            else:
                found += [(where(path, line), module, name) for name in names or [""]]
    return found


def allowed(module: str, name: str, api: tuple[str, ...]) -> bool:
    rest = module.split(".", 1)[1] if "." in module else ""
    public = not name.startswith("_") and not any(part.startswith("_") for part in rest.split("."))
    factories = api is TEST_API and rest.startswith("tests.") and rest.endswith("factories")
    return public and (factories or any(rest == part or rest.startswith(part + ".") for part in api))


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_domain_apps_use_each_other_only_through_their_domain_api(app):
    wrong = [use for use in foreign_uses(app, tests=False) if not allowed(use[1], use[2], DOMAIN_API)]
    assert wrong == []


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_tests_use_other_apps_through_their_domain_api_and_factories(app):
    wrong = [use for use in foreign_uses(app, tests=True) if not allowed(use[1], use[2], TEST_API)]
    assert wrong == []


def test_no_private_helper_crosses_a_module_of_another_app():
    """``from inventory.services import _set_related`` was how security saved its relations."""
    wrong = []
    for app in DOMAIN_APPS:
        for place, module, name in foreign_uses(app, tests=False) + foreign_uses(app, tests=True):
            if name.startswith("_") or "._" in module:
                wrong.append((place, module, name))
    assert wrong == []


def test_core_depends_on_no_domain_app_nor_accounts():
    """Framework code names the user model through ``get_user_model()`` / ``settings.AUTH_USER_MODEL``; what only
    accounts can do (tokens, passwords) it leaves to accounts. Its tests may use the project's real models."""
    wrong = [
        (where(path, line), module)
        for path in python_files("core", tests=False)
        for line, module, _names in imports(path)
        if module.split(".")[0] in DOMAIN_APPS
    ]
    assert wrong == []


def test_core_names_no_domain_app_in_strings_it_resolves():
    """No ``"accounts:user"`` URL names or ``"accounts.user"`` labels: the app that owns the record registers it."""
    wrong = []
    for path in python_files("core", tests=False):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""
            if any(text.startswith((f"{app}:", f"{app}.")) for app in DOMAIN_APPS):
                wrong.append((where(path, node.lineno), text))
    assert wrong == []


# Accounts holds no coded choices and reads nothing another page needs: it has no choices or selectors to keep.
NOT_NEEDED = {"accounts": {"choices", "selectors"}}


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_every_domain_app_has_the_same_shape(app):
    folder = ROOT / app
    parts = [part for part in SHAPE if part not in NOT_NEEDED.get(app, set())]
    missing = [part for part in parts if not (folder / f"{part}.py").exists() and not (folder / part).is_dir()]
    if not (folder / "templates" / app).is_dir():
        missing.append(f"templates/{app}/")
    if not (folder / "tests" / "__init__.py").exists():
        missing.append("tests/")
    assert missing == []


PARTS_BY_SUFFIX = {"Form": "forms", "FilterSet": "filtersets", "Table": "tables", "Serializer": "api"}


@pytest.mark.parametrize("app", DOMAIN_APPS)
def test_views_hold_no_forms_filter_sets_tables_or_serializers(app):
    """Each lives in its own part (``ZombieReviewForm`` was in the inventory's analysis views)."""
    wrong = []
    for path in sorted((ROOT / app / "views").rglob("*.py")) + [ROOT / app / "views.py"]:
        if not path.exists():
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name.endswith(tuple(PARTS_BY_SUFFIX)):
                wrong.append((where(path, node.lineno), node.name))
    assert wrong == []


NAMED_PARTS = ("views", "forms", "filtersets", "tables", "api")


def test_no_two_views_forms_or_tables_share_a_name():
    """A name says what the thing is: three classes called ``StepView`` said nothing."""
    seen: dict[str, list[str]] = {}
    for app in ("core", *DOMAIN_APPS):
        for path in python_files(app, tests=False):
            if Path(path.relative_to(ROOT).parts[1]).stem not in NAMED_PARTS:
                continue
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if isinstance(node, ast.ClassDef):
                    seen.setdefault(node.name, []).append(where(path, node.lineno))
    assert {name: places for name, places in seen.items() if len(places) > 1} == {}


HTML_BUILDERS = {"mark_safe", "SafeString", "format_html", "format_html_join"}


@pytest.mark.parametrize("app", ("core", *DOMAIN_APPS))
def test_views_build_no_html(app):
    """Templates render, views decide: the system page's links and the overview's rows were HTML put together in
    Python and marked safe."""
    wrong = []
    for path in python_files(app, tests=False):
        if Path(path.relative_to(ROOT).parts[1]).stem != "views":
            continue
        for line, _module, names in imports(path):
            wrong += [(where(path, line), name) for name in names if name in HTML_BUILDERS]
    assert wrong == []
