"""What the waterbed report says, in plain Dutch, once: the PDF, report.md and the Waterbed tab all use it.

Every count goes through `disclose` (1-9 suppressed, others rounded to 5); wijken are always named (the code
only in brackets after the name).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo_tool.analysis.disclose import count_text, round5
from geo_tool.analysis.evidence import EVIDENCE_KINDS_NL, evidence_sentence
from geo_tool.analysis.signals import signal_label
from geo_tool.analysis.waterbed import ROLE_NL, VERDICT_NL, WaterbedResult

CERTAINTY = ((0.001, "vrijwel zeker"), (0.01, "zeer waarschijnlijk"), (0.05, "waarschijnlijk"))

METHODS_NL = [
    ("Directe aanwijzingen",
     "We volgen personen in de BRP: wie een adres in de doelwijk (of een adres waar een huisbezoek een overtreding "
     "vond) verlaat en zich binnen 60 dagen elders inschrijft, telt als verhuizing naar die wijk; per wijk "
     "vergelijken we het aantal huishoudens na de start met wat de periode ervóór en de rest van de stad voorspellen "
     "(exacte binomiale toets). Zo ook nieuwe inschrijvingen, korte inschrijvingen, drukte, meldingen en "
     "overtredingen op adressen elders van verhuurders uit de doelwijk, vergeleken met hun eigen verleden."),
    ("WDQ (gewogen verplaatsingsquotiënt, Bowers & Johnson 2003)",
     "Verhouding tussen de verandering in de buurwijken en de verbetering in de doelwijk, beide t.o.v. de controle; "
     "kleiner dan 0 wijst op verplaatsing, groter dan 0 op uitstraling van positieve effecten; alleen te duiden als "
     "de doelwijk verbeterde."),
    ("WDD (gewogen verplaatsingsverschil, Wheeler & Ratcliffe 2018)",
     "Het aantal na de start minus het aantal dat je verwacht als de wijk de trend van de controle had gevolgd; met "
     "een interval uit de Poisson-benadering."),
    ("DiD (verschil-in-verschillen)",
     "Dezelfde vergelijking op maandcijfers per 1.000 bewoners, met een interval door maanden opnieuw te trekken "
     "(bootstrap), zodat ook onrustige maanden meetellen."),
    ("Synthetische controle (Abadie e.a. 2010)",
     "Een 'nagebootste' wijk als gewogen gemiddelde van onbehandelde wijken die vóór de start zo goed mogelijk "
     "hetzelfde verloop had; het verschil erna is het effect. De betrouwbaarheid komt uit placebo's: dezelfde "
     "berekening voor elke controlewijk; de p-waarde is het aandeel placebo's met een even groot verschil."),
    ("Intervallen",
     "Een 95 %-interval geeft de waarden die met de gegevens verenigbaar zijn; voor verhuizingen en verhuurders "
     "exact (Clopper-Pearson), voor WDD uit de Poisson-benadering, voor DiD uit de bootstrap."),
    ("Meervoudig toetsen (FDR)",
     "Omdat we veel wijken en signalen tegelijk bekijken, houden we het verwachte aandeel onterechte vlaggen onder "
     "de gevonden vlaggen op 5 % (Benjamini-Hochberg); de q-waarde is de aldus gecorrigeerde p-waarde. Per wijk "
     "ligt vooraf één hoofdtoets per kanaal vast: huishoudens van gehandhaafde adressen in de doelwijk die zich "
     "hier inschreven, en nieuwe inschrijvingen op adressen van verhuurders uit de doelwijk. Alleen deze "
     "hoofdtoetsen kunnen een wijk aanwijzen; de andere aanwijzingen ondersteunen en worden apart gecorrigeerd."),
    ("Kleinste zichtbare verplaatsing",
     "Het kleinste aantal extra huishoudens uit de doelwijk dat de hoofdtoets met 80 % kans had gevonden; een wijk zonder "
     "aanwijzing kan dus nog een kleinere verplaatsing hebben gehad."),
    ("Vangrails",
     "Een stijging telt alleen als verplaatsing als er een koppeling met de doelwijk is (dezelfde personen of "
     "dezelfde verhuurders) en als de stijging niet al vóór de start begon."),
]


def nl(x: float, nd: int = 2, sign: bool = False) -> str:
    """A number with a Dutch decimal comma (``+1,25``); ``n.v.t.`` when not finite."""
    if x is None or not np.isfinite(x):
        return "n.v.t."
    return (f"{x:+.{nd}f}" if sign else f"{x:.{nd}f}").replace(".", ",")


def certainty(q: float) -> str:
    """How sure, in words, from a q-value."""
    if q is None or not np.isfinite(q):
        return "onzeker"
    for limit, word in CERTAINTY:
        if q < limit:
            return word
    return "niet aangetoond"


def _name(result: WaterbedResult, code: str) -> str:
    return str(result.table.set_index("wijk_code")["wijk_name"].get(code, code))


def target_sentences(result: WaterbedResult) -> list[str]:
    """What happened in the target itself, on complaints and on the register (synthetic control)."""
    out = []
    st = result.synth_table
    if st is None or st.empty:
        return out
    t = st[st["wijk_code"] == result.target_code].set_index("signal")
    parts = []
    # crowding is a small number per 10 m² (0,3): its change is told per 1.000 m² so that it does not print as 0,00
    for sig, unit, scale in (("complaints", "per 1.000 bewoners per maand", 1.0),
                             ("eum_registrations", "per 1.000 bewoners per maand", 1.0),
                             ("crowding", "ingeschrevenen per 1.000 m²", 100.0)):
        if sig in t.index:
            r = t.loc[sig]
            word = ("steeg" if r["effect"] > 0 else "daalde") if sig == "crowding" else \
                ("stegen" if r["effect"] > 0 else "daalden")
            p = r["p_up"] if r["effect"] > 0 else r["p_down"]
            sure = "duidelijk" if p <= 0.1 else "niet duidelijk"
            label = {"complaints": "de meldingen", "eum_registrations": "de nieuwe inschrijvingen van EU-arbeidsmigranten",
                     "crowding": "de bewoningsdichtheid"}[sig]
            parts.append(f"{label} {word} ({sure} t.o.v. een nagebootste vergelijkingswijk: "
                         f"{nl(r['effect'] * scale, 2 if scale == 1 else 1, True)} {unit})")
    if parts:
        out.append(f"In {result.target_name} zelf: " + "; ".join(parts) + ".")
        if "complaints" in t.index and t.loc["complaints", "effect"] > 0 and any(
                s in t.index and t.loc[s, "effect"] < 0 for s in ("eum_registrations", "crowding")):
            out.append("Meer meldingen bij minder inschrijvingen of minder drukte past bij een campagne die het melden "
                       "aanmoedigt: we beoordelen de doelwijk daarom ook op de BRP, niet alleen op meldingen.")
    return out


def conclusion(result: WaterbedResult) -> dict:
    """The first page: a headline, the flagged wijken with how sure and on what, the rest, and caveats."""
    t = result.table
    judged = t[t["role"].isin(["buffer", "destination"])]
    disp = judged[judged["verdict"] == "displacement"].sort_values("verdict_q")
    diff = judged[judged["verdict"] == "diffusion"]
    none = judged[judged["verdict"] == "no_evidence"]
    if len(disp):
        head = (f"Ja: de aanpak in {result.target_name} (vanaf {result.start:%d-%m-%Y}) heeft problemen verplaatst naar "
                + _join([str(n) for n in disp["wijk_name"]]) + ".")
    else:
        head = (f"Geen aanwijzing dat de aanpak in {result.target_name} (vanaf {result.start:%d-%m-%Y}) problemen "
                "naar andere wijken heeft verplaatst.")
    flagged = []
    for r in disp.itertuples():
        q = float(r.verdict_q)
        direct = str(r.reason).startswith("directe aanwijzing")
        basis = r.evidence if direct and isinstance(r.evidence, str) and r.evidence else r.reason
        flagged.append(f"{r.wijk_name} ({ROLE_NL[r.role]}): {certainty(q)}. {_cap(basis)}.")
    rest = []
    if len(diff):
        rest.append("Uitstraling van positieve effecten (ook daar minder problemen) in "
                    + _join([str(n) for n in diff["wijk_name"]]) + ".")
    if len(none):
        det = none["detectable_addresses"].astype(float)
        if det.notna().any():
            lo_, hi_ = max(1, int(np.ceil(det.min()))), max(1, int(np.ceil(det.max())))
            rng = f"~{lo_}" if lo_ == hi_ else f"~{lo_} tot ~{hi_} (per wijk verschillend)"
            size = f"een verplaatsing kleiner dan {rng} adressen"
        else:
            size = "een kleine verplaatsing"
        rest.append(f"In {len(none)} andere beoordeelde wijk(en) geen aanwijzing ({_join([str(n) for n in none['wijk_name']])}). "
                    f"Dat betekent niet 'geen effect': met deze gegevens zou {size} niet zichtbaar zijn.")
    caveats = [
        f"Vergeleken zijn {result.months_before} maanden vóór en {result.months_after} maanden na de start; als "
        f"vergelijking dient {result.control_text}.",
        "Aantallen zijn afgerond op 5 en aantallen onder de 10 worden niet getoond (onthullingscontrole); de "
        "toetsen gebruiken de exacte aantallen.",
    ]
    return {"headline": head, "flagged": flagged, "target": target_sentences(result), "rest": rest,
            "caveats": caveats}


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " en " + names[-1]


@dataclass
class WijkSection:
    """The evidence for one judged wijk."""

    title: str
    verdict: str
    lines: list[str]
    evidence_rows: list[list[str]] = field(default_factory=list)
    signal_rows: list[list[str]] = field(default_factory=list)


EVIDENCE_HEADER = ["aanwijzing", "vóór", "na", "verwacht", "overschot (95 %)", "q"]
SIGNAL_HEADER = ["signaal", "vóór", "na", "WDD (95 %)", "DiD per 1.000/mnd (95 %)", "synth. controle (placebo-p)"]


def wijk_sections(result: WaterbedResult) -> list[WijkSection]:
    """Per judged wijk (flagged first): verdict, reason, detectable size, direct evidence and area signals."""
    t = result.table
    judged = t[t["role"].isin(["buffer", "destination"])].copy()
    judged["_o"] = judged["verdict"].map({"displacement": 0, "diffusion": 1, "no_evidence": 2})
    ev = result.evidence.table if result.evidence is not None else pd.DataFrame()
    st = result.synth_table if result.synth_table is not None else pd.DataFrame()
    sig = result.signals_table
    out = []
    judged["_q"] = pd.to_numeric(judged["verdict_q"], errors="coerce").fillna(1.0)
    for r in judged.sort_values(["_o", "_q", "wijk_name"]).itertuples():
        lines = [f"Oordeel: {VERDICT_NL[r.verdict]} — {r.reason}."]
        if r.verdict in ("no_evidence", "displacement") and r.detectable_text:
            lines.append(_cap(r.detectable_text) + ".")   # flagged: what was seen; otherwise: what could not be
        if r.link:
            lines.append(f"Koppeling met {result.target_name}: {r.link}.")
        rows = []
        mine = ev[ev["wijk_code"] == r.wijk_code] if len(ev) else ev
        if len(mine) and "family" in mine.columns:   # the pre-declared main tests first
            mine = mine.assign(_f=(mine["family"] != "primary").astype(int)).sort_values(["_f", "q_value"])
        for e in mine.itertuples() if len(mine) else []:
            if e.before + e.observed == 0 and getattr(e, "family", "") != "primary":
                continue   # a main test stays, also at 0: the detectable size belongs to it
            main = " (hoofdtoets)" if getattr(e, "family", "") == "primary" else ""
            rows.append([EVIDENCE_KINDS_NL.get(e.kind, e.kind).replace(" in de doelwijk", f" in {result.target_name}")
                         .replace("uit de doelwijk", f"uit {result.target_name}") + main,
                         count_text(e.before), count_text(e.observed), count_text(e.expected, expected=True),
                         f"{round5(e.excess_lo)} tot {round5(e.excess_hi)}", _q(e.q_value)])
        srows = []
        for s in [s for s in ("complaints", "eum_registrations", "moves_in", "short_spells", "crowding")
                  if s in set(sig["signal"])]:
            x = sig[(sig["area"] == r.wijk_code) & (sig["signal"] == s)]
            if x.empty:
                continue
            x = x.iloc[0]
            sc = st[(st["wijk_code"] == r.wijk_code) & (st["signal"] == s)] if len(st) else st
            sc_txt = "—"
            if len(sc):
                c = sc.iloc[0]
                sc_txt = f"{nl(c['effect'], 3 if s == 'crowding' else 2, True)} (p {nl(min(c['p_up'], c['p_down']))})"
            is_stock = s == "crowding"
            nd = 3 if is_stock else 2
            srows.append([signal_label(s).split(" (")[0],
                          nl(x["rate_before"]) if is_stock else count_text(x["before"]),
                          nl(x["rate_after"]) if is_stock else count_text(x["after"]),
                          "—" if is_stock else f"{round5(x['wdd'])} ({round5(x['wdd_ci_low'])} tot {round5(x['wdd_ci_high'])})",
                          f"{nl(x['did'], nd, True)} ({nl(x['did_ci_low'], nd, True)} tot {nl(x['did_ci_high'], nd, True)})",
                          sc_txt])
        out.append(WijkSection(f"{r.wijk_name} ({ROLE_NL[r.role]}, {r.wijk_code})", r.verdict, lines, rows, srows))
    return out


def _q(q: float) -> str:
    if q is None or not np.isfinite(q):
        return "—"
    return "< 0,001" if q < 0.001 else f"{q:.3f}".replace(".", ",")


def markdown(result: WaterbedResult, files: list[str]) -> str:
    """report.md: the same content as the PDF, as Markdown."""
    c = conclusion(result)
    L = [f"# Waterbedanalyse {result.target_name}", "", "## Conclusie", "", f"**{c['headline']}**", ""]
    L += [f"- {x}" for x in c["flagged"] + c["target"] + c["rest"]]
    L += [""] + [f"_{x}_" for x in c["caveats"]] + ["", "## Bewijs per wijk", ""]
    for s in wijk_sections(result):
        L += [f"### {s.title}", ""] + s.lines + [""]
        for header, rows in ((EVIDENCE_HEADER, s.evidence_rows), (SIGNAL_HEADER, s.signal_rows)):
            if rows:
                L += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
                L += ["| " + " | ".join(r) + " |" for r in rows]
                L.append("")
    L += ["## Toelichting op de methoden", ""] + [f"- **{k}**: {v}" for k, v in METHODS_NL]
    L += ["", "Bestanden: " + ", ".join(files)]
    return "\n".join(L) + "\n"


def _esc(s: str) -> str:
    from html import escape

    return escape(str(s))


def html_conclusion(result: WaterbedResult) -> str:
    """The conclusion page as simple HTML (the Waterbed tab's 'Conclusie')."""
    c = conclusion(result)
    items = "".join(f"<li>{_esc(x)}</li>" for x in c["flagged"] + c["target"] + c["rest"])
    cav = "".join(f"<p style='color:#555;font-size:small'>{_esc(x)}</p>" for x in c["caveats"])
    return (f"<h2>Waterbedanalyse {_esc(result.target_name)}</h2><h3>{_esc(c['headline'])}</h3>"
            f"<ul>{items}</ul>{cav}")


def html_sections(result: WaterbedResult) -> str:
    """The evidence per wijk as HTML tables (the tab's 'Bewijs per wijk')."""
    colour = {"displacement": "#b2182b", "diffusion": "#1a9850", "no_evidence": "#333333"}
    out = []
    for s in wijk_sections(result):
        out.append(f"<h3 style='color:{colour.get(s.verdict, '#000')}'>{_esc(s.title)}</h3>")
        out += [f"<p>{_esc(x)}</p>" for x in s.lines]
        for header, rows in ((EVIDENCE_HEADER, s.evidence_rows), (SIGNAL_HEADER, s.signal_rows)):
            if rows:
                out.append("<table border='1' cellspacing='0' cellpadding='3'><tr>"
                           + "".join(f"<th>{_esc(h)}</th>" for h in header) + "</tr>"
                           + "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in r) + "</tr>" for r in rows)
                           + "</table><br>")
    return "".join(out)


def html_methods() -> str:
    """The methods appendix as HTML (the tab's 'Methoden')."""
    return "<h3>De methoden in één zin</h3>" + "".join(f"<p><b>{_esc(k)}</b>: {_esc(v)}</p>" for k, v in METHODS_NL)


def verdict_frame(result: WaterbedResult) -> pd.DataFrame:
    """The judged wijken for a table on screen: name, role, verdict, how sure, basis, detectable size, WDD, DiD.

    WDD is rounded to 5 like the counts it comes from; no raw counts are shown.
    """
    t = result.table
    j = t[t["role"].isin(["buffer", "destination"])].copy()
    j["_o"] = j["verdict"].map({"displacement": 0, "diffusion": 1, "no_evidence": 2})
    j = j.sort_values(["_o", "wijk_name"])
    return pd.DataFrame({
        "wijk": j["wijk_name"].astype(str).to_numpy(),
        "rol": j["role"].map(ROLE_NL).to_numpy(),
        "oordeel": j["verdict"].map(VERDICT_NL).to_numpy(),
        "zekerheid": [certainty(q) if v != "no_evidence" else "—" for q, v in zip(j["verdict_q"].astype(float), j["verdict"])],
        "waarop": [str(e) if isinstance(e, str) and e and str(rs).startswith("directe aanwijzing") else str(rs)
                   for e, v, rs in zip(j["evidence"], j["verdict"], j["reason"])],
        "kleinste zichtbare verplaatsing (adressen)": [f"~{max(1, int(np.ceil(a)))}" if np.isfinite(a) else ""
                                                       for a in j["detectable_addresses"].astype(float)],
        "WDD (afgerond)": [round5(x) for x in j["wdd"].astype(float)],
        "DiD per 1.000/mnd": [nl(x, 2, True) for x in j["did"].astype(float)],
    })
