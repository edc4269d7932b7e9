"""One language for everything cardgen writes: the particle rule, the catalogs, `lang` in fact files."""

from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from cardgen.cards import build_cards
from cardgen.context import Context
from cardgen.errors import FactError
from cardgen.factbase.loader import load
from cardgen.lang import LANGS, fill, translator
from cardgen.lang.particles import PARTICLES, attach, both_forms, form
from conftest import FACTS, ROOT, build_file_tree

ENGLISH = ROOT / "tests" / "english"
LOCALE = ROOT / "cardgen" / "locale"
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")

# --- Korean particles -------------------------------------------------------------

# (word, 은/는, 이/가, 을/를, 와/과, (으)로): how a Korean reader says the word decides each form.
PARTICLE_TABLE = [
    # Hangul, open syllable
    ("하이퍼바이저", "는", "가", "를", "와", "로"),
    ("가상화", "는", "가", "를", "와", "로"),
    ("컨테이너", "는", "가", "를", "와", "로"),
    ("운영체제", "는", "가", "를", "와", "로"),
    ("서버", "는", "가", "를", "와", "로"),
    # Hangul, closed syllable
    ("가상 머신", "은", "이", "을", "과", "으로"),
    ("장점", "은", "이", "을", "과", "으로"),
    ("계층", "은", "이", "을", "과", "으로"),
    ("책", "은", "이", "을", "과", "으로"),
    ("단점", "은", "이", "을", "과", "으로"),
    # Hangul ending in ㄹ: a consonant, but 로
    ("커널", "은", "이", "을", "과", "로"),
    ("모델", "은", "이", "을", "과", "로"),
    ("건물", "은", "이", "을", "과", "로"),
    # Latin words as Koreans read them
    ("Xen", "은", "이", "을", "과", "으로"),  # 젠
    ("Docker", "는", "가", "를", "와", "로"),  # 도커
    ("SaaS", "는", "가", "를", "와", "로"),  # 사스
    ("PaaS", "는", "가", "를", "와", "로"),  # 파스
    ("Kubernetes", "는", "가", "를", "와", "로"),  # 쿠버네티스
    ("Linux", "는", "가", "를", "와", "로"),  # 리눅스
    ("Java", "는", "가", "를", "와", "로"),  # 자바
    ("Cloud", "는", "가", "를", "와", "로"),  # 클라우드
    ("Google", "은", "이", "을", "과", "로"),  # 구글
    ("Shell", "은", "이", "을", "과", "로"),  # 셸
    ("Engine", "은", "이", "을", "과", "으로"),  # 엔진
    ("Runtime", "은", "이", "을", "과", "으로"),  # 런타임
    ("String", "은", "이", "을", "과", "으로"),  # 스트링
    ("Stack", "은", "이", "을", "과", "으로"),  # 스택
    ("Web", "은", "이", "을", "과", "으로"),  # 웹
    ("App", "은", "이", "을", "과", "으로"),  # 앱
    ("Socket", "은", "이", "을", "과", "으로"),  # 소켓
    ("Boot", "는", "가", "를", "와", "로"),  # 부트
    ("Service", "는", "가", "를", "와", "로"),  # 서비스
    ("Hardware", "는", "가", "를", "와", "로"),  # 하드웨어
    ("Layout", "은", "이", "을", "과", "으로"),  # 레이아웃
    # acronyms, spelled out letter by letter
    ("VM", "은", "이", "을", "과", "으로"),  # 브이엠
    ("OS", "는", "가", "를", "와", "로"),  # 오에스
    ("KVM", "은", "이", "을", "과", "으로"),  # 케이브이엠
    ("VPN", "은", "이", "을", "과", "으로"),  # 브이피엔
    ("SQL", "은", "이", "을", "과", "로"),  # 에스큐엘
    ("GPU", "는", "가", "를", "와", "로"),  # 지피유
    ("API", "는", "가", "를", "와", "로"),  # 에이피아이
    ("LXC", "는", "가", "를", "와", "로"),  # 엘엑스씨
    ("Hyper-V", "는", "가", "를", "와", "로"),  # 하이퍼브이
    # digits, read in Sino-Korean
    ("Windows 11", "은", "이", "을", "과", "로"),  # 십일
    ("x86", "은", "이", "을", "과", "으로"),  # 육
    ("Type 2", "는", "가", "를", "와", "로"),  # 이
    ("3", "은", "이", "을", "과", "으로"),  # 삼
    ("10", "은", "이", "을", "과", "으로"),  # 십
    ("100", "은", "이", "을", "과", "으로"),  # 백
    ("2024", "는", "가", "를", "와", "로"),  # 이천이십사
    ("7", "은", "이", "을", "과", "로"),  # 칠
    # a trailing parenthetical or quote is read past
    ("가상화 (Virtualization)", "는", "가", "를", "와", "로"),
    ("컨테이너 (Container)", "는", "가", "를", "와", "로"),
    ("‘Docker’", "는", "가", "를", "와", "로"),
]


@pytest.mark.parametrize("word, topic, subject, obj, with_, toward", PARTICLE_TABLE)
def test_particle_follows_the_final_sound(word, topic, subject, obj, with_, toward) -> None:
    assert [form(word, p) for p in ("은/는", "이/가", "을/를", "와/과", "(으)로")] == [topic, subject, obj, with_, toward]


def test_the_table_covers_at_least_forty_words() -> None:
    assert len(PARTICLE_TABLE) >= 40


def test_any_spelling_of_a_particle_names_it_and_an_unknown_one_is_refused() -> None:
    assert {attach("Xen", p) for p in ("을", "를", "을/를", "를/을")} == {"Xen을"}
    assert attach("Docker", "이다") == "Docker다" and attach("VM", "이다") == "VM이다"
    with pytest.raises(ValueError, match="unknown particle"):
        form("Xen", "께서")
    assert all("(" not in pair[0] + pair[1] for pair in PARTICLES.values())


def test_fill_puts_particles_after_values_and_never_reads_values_as_templates() -> None:
    assert fill("{a|은} {b|을} {{x}}", {"a": "Multi-cloud", "b": "{c}"}) == "Multi-cloud는 {c}를 {x}"
    assert translator("ko")._("grade changed to {grade}", grade="좋음") == "평가를 좋음으로 바꿈"


# --- the catalogs --------------------------------------------------------------------


def _extracted() -> set[str | tuple[str, str]]:
    method_map = [
        ("cardgen/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.css", "jinja2"),
        ("templates/**.j2", "jinja2"),
    ]
    options = {pattern: {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}
               for pattern, method in method_map if method == "jinja2"}
    keywords = {"_": None, "n_": (1, 2), "N_": None, "gettext": None, "ngettext": (1, 2)}
    found: set[str | tuple[str, str]] = set()
    for _, _, message, _, _ in extract_from_dir(str(ROOT), method_map, options, keywords):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def _catalog(lang: str):
    with open(LOCALE / lang / "LC_MESSAGES" / "cardgen.po", "rb") as po:
        return read_po(po)


def test_every_message_in_code_and_templates_is_in_every_catalog() -> None:
    used = _extracted()
    assert len(used) > 100
    for lang in LANGS:
        catalog = _catalog(lang)
        missing = sorted(str(m) for m in used if (m if isinstance(m, str) else m[0]) not in catalog)
        assert not missing, f"{lang}: messages missing from cardgen/locale/{lang}/LC_MESSAGES/cardgen.po: {missing}"


def test_the_korean_catalog_translates_everything_and_keeps_its_fields() -> None:
    for message in _catalog("ko"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        assert all(strings), f"untranslated: {message.id!r}"
        fields = {re.sub(r"\|.*", "", f) for s in strings for f in re.findall(r"\{(\w+(?:\|[^{}]+)?)\}", s)}
        assert fields <= {f for s in ids for f in re.findall(r"\{(\w+)\}", s)} | {"n"}, message.id
        assert "(는)" not in "".join(strings) and "(를)" not in "".join(strings)


@pytest.mark.parametrize("lang", LANGS)
def test_the_shipped_mo_files_are_compiled_from_the_po_files(lang: str) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _catalog(lang))
    fresh = gettext.GNUTranslations(io.BytesIO(compiled.getvalue()))
    with open(LOCALE / lang / "LC_MESSAGES" / "cardgen.mo", "rb") as mo:
        shipped = gettext.GNUTranslations(mo)
    def messages(t: gettext.GNUTranslations) -> dict:
        return {k: v for k, v in t._catalog.items() if k != ""}  # type: ignore[attr-defined]  # the header holds dates

    assert messages(fresh) == messages(shipped), "run: pybabel compile -d cardgen/locale -D cardgen"


# --- a fact's language ------------------------------------------------------------------


def test_lang_is_read_per_file_and_a_bad_one_is_reported_at_its_line(tmp_path: Path) -> None:
    ok = build_file_tree(tmp_path / "ok", {
        "en.yaml": "lang: en\ndefinitions:\n  - {id: a, term: Alpha, definition: the first}\n",
        "ko.yaml": "definitions:\n  - {id: b, term: 베타, definition: 두 번째}\n",
    })
    base = load(ok)
    assert (base["a"].meta.lang, base["b"].meta.lang) == ("en", "ko")
    bad = build_file_tree(tmp_path / "bad", {"x.yaml": "deck: X\nlang: fr\n"})
    with pytest.raises(FactError) as caught:
        load(bad)
    assert [str(p) for p in caught.value.problems] == [f"{bad / 'x.yaml'}:2: lang 'fr' is not a language cardgen writes; use one of ko, en"]


def test_a_mixed_base_gives_each_deck_its_own_language(tmp_path: Path) -> None:
    base = build_file_tree(tmp_path / "mixed", {
        "ko.yaml": "deck: 가상화\ndefinitions:\n  - {id: vm-ko, term: 가상 머신, definition: 소프트웨어로 만든 컴퓨터}\n",
        "en.yaml": (ENGLISH / "cloud.yaml").read_text(encoding="utf-8"),
    })
    cards = build_cards(load(base))
    english = [c for c in cards if c.deck == "Cloud::Service models"]
    korean = [c for c in cards if c.deck != "Cloud::Service models"]
    assert english and korean
    assert not any(HANGUL.search(c.prompt) for c in english)
    assert {c.prompt for c in korean if c.kind == "definition.forward"} == {"뜻은?"}
    assert {c.lang for c in english} == {"en"} and {c.lang for c in korean} == {"ko"}


def test_lang_overrides_the_facts_language() -> None:
    cards = Context(load(FACTS), lang="en").cards
    assert {c.prompt for c in cards if c.kind == "definition.forward"} == {"What does it mean?"}


def test_english_cards_read_as_english() -> None:
    cards = {c.key: c for c in build_cards(load(ENGLISH))}
    assert cards["iaas-pros-cons/pros.recall"].prompt == "Name its 2 advantages"
    assert cards["iaas-pros-cons/cons.recall"].prompt == "Name its disadvantage"
    assert cards["paas-pros-cons/cons.cloze.1"].subject == "Disadvantages of PaaS (Platform as a Service)"
    assert cards["stack-iaas/stack.below.3"].prompt == "Which layer is directly below 'Operating system'?"
    assert cards["kinds-of-service-model/taxonomy.kinds"].prompt == "Name its 4 kinds"
    korean = {c.key: c for c in build_cards(load(FACTS))}
    assert any(c.prompt.startswith("장점은? (") for c in korean.values())


def test_a_particle_after_a_blank_shows_both_its_forms() -> None:
    assert [both_forms(p) for p in ("가", "을", "는", "와", "로", "으로는", "과는", "란", "이며")] == [
        "이(가)", "을(를)", "은(는)", "과(와)", "(으)로", "(으)로는", "과(와)는", "(이)란", "(이)며",
    ]  # fmt: skip
    assert both_forms("에서") == "에서"  # one form after any sound
