"""What Streamlit's own markup does not give a keyboard or screen-reader user, added from the
app: the page's title, a visible focus ring on every control, focus kept where it was after
a rerun, red-flag groups as named groups whose tier is announced, errors tied to their
fields, the page opened at its top, and fewer Tab stops (heading anchors and help icons).

One script, fixed text only: the data it is given are page titles, widget keys and fixed
words, never anything a person typed. docs/ACCESSIBILITY.md says what each part works
around and what remains.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

GROUP = "wb_group_"  # a container keyed GROUP + name is a named group (its first text names it)
TIER = "wb_tier_"  # a container keyed TIER + name holds the tier its group has reached
ERROR = "wb_err_"  # a container keyed ERROR + field holds that field's errors
SUMMARY = "wb_error_summary"  # the list of errors at the top of the form
EMERGENCY = "wb_emergency"  # the emergency banner, pinned at the top while the form scrolls

FOCUS = "aid_focus"  # a one-off request for the next run: the field focus should go to
_RUN = "aid_run"

_CSS = """
/* Every control shows where focus is: a 3px ring in the primary colour (above 3:1). */
[data-testid="stMain"] :is(input, textarea, button, a, [role="combobox"]):focus-visible,
[data-testid="stSidebar"] a:focus-visible,
[data-testid="stSidebar"] button:focus-visible {
  outline: 3px solid #1f4e79 !important; outline-offset: 2px !important;
}
[data-testid="stCheckbox"] label:has(input:focus-visible),
[data-testid="stRadio"] label:has(input:focus-visible),
[data-baseweb="checkbox"]:has(input:focus-visible) {
  outline: 3px solid #1f4e79; outline-offset: 2px; border-radius: 4px;
}
/* Checkbox and radio marks drawn with a border of at least 3:1 against white. */
[data-testid="stCheckbox"] label > span:first-of-type,
[data-testid="stRadio"] label > div:first-of-type {
  border-color: #5c5c5c !important;
}
/* A metric's figure wraps rather than being cut short. */
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; overflow-wrap: anywhere; }
/* Less empty space above the page's title, so the decision shows on a laptop screen. */
[data-testid="stMainBlockContainer"] { padding-top: 3.5rem; }
/* The emergency stays in view while the form below it scrolls. */
[data-testid="stLayoutWrapper"]:has(> .st-key-wb_emergency) { position: sticky; top: 3.75rem;
  z-index: 20; background: #ffffff; padding-bottom: 0.5rem;
  box-shadow: 0 6px 6px -6px rgba(0, 0, 0, 0.35); }
/* Charts fit their container; a wide one scrolls inside itself, never the page. */
[data-testid="stVegaLiteChart"], [data-testid="stArrowVegaLiteChart"] { max-width: 100%;
  overflow-x: auto; }
/* A tablet: columns wrap two by two rather than squeezing number boxes to their arrows. */
@media (max-width: 1100px) {
  [data-testid="stMain"] [data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
  [data-testid="stMain"] [data-testid="stColumn"] { min-width: min(100%, 15rem) !important;
    flex: 1 1 15rem !important; }
}
[data-testid="stCheckbox"] label div[data-testid="stMarkdownContainer"] p {
  white-space: normal; overflow-wrap: anywhere; }
.st-key-wb_aid { display: none; }
.wb-visually-hidden { position: absolute !important; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
"""

_JS = """
export default function (component) {
  const data = component.data || {};
  if (!window.__walkbackAid) window.__walkbackAid = setUp();
  window.__walkbackAid.update(data);
}

function setUp() {
  const style = document.createElement("style");
  style.id = "wb-aid-style";
  style.textContent = CSS;
  document.head.appendChild(style);
  const live = document.createElement("div");
  live.id = "wb-live";
  live.className = "wb-visually-hidden";
  live.setAttribute("aria-live", "polite");
  live.setAttribute("role", "status");
  document.body.appendChild(live);

  let page = null;
  let headingPending = false;  // a new page's heading takes focus once, until the person acts
  let scrollPending = false;  // a new page is kept at its top while it draws, until then
  let lastFocus = null;   // the st-key class and the control's index inside it
  let lastActed = 0;
  const tiers = new Map();
  let hadAlert = false;
  let marked = new Set();

  const main = () => document.querySelector('[data-testid="stMain"]');
  const keyOf = (el) => [...(el.closest('[class*="st-key-"]')?.classList || [])]
    .find((c) => c.startsWith("st-key-"));
  const controls = (root) => [...root.querySelectorAll(
    'input, textarea, button, [role="combobox"], [tabindex="0"]')];

  function say(text) {
    live.textContent = "";
    setTimeout(() => { live.textContent = text; }, 50);
  }

  const label = (el) => (el.innerText || el.getAttribute("aria-label") || "").trim();
  // Only a tick, a choice or a button is followed: a rerun redraws those under the
  // pointer. Text boxes and drop-down lists keep their own focus, and a list's menu must
  // never lose it to an old control.
  const followed = (el) => el.matches(
    'input[type="checkbox"], input[type="radio"], button, [role="switch"]');
  document.addEventListener("focusin", (e) => {
    if (!followed(e.target)) { lastFocus = null; return; }
    const key = keyOf(e.target);
    const box = key ? document.querySelector("." + CSS_ESCAPE(key)) : null;
    // By its keyed container where it has one, else by its words (a button without a key).
    lastFocus = { key, index: box ? controls(box).indexOf(e.target) : 0,
                  text: label(e.target), tag: e.target.tagName };
    lastActed = Date.now();
  });
  // Once the person acts on a new page, its heading no longer takes focus.
  document.addEventListener("keydown", () => { lastActed = Date.now(); acted(); }, true);
  const acted = () => { headingPending = false; scrollPending = false; };
  document.addEventListener("pointerdown", acted, true);
  document.addEventListener("wheel", acted, { capture: true, passive: true });
  document.addEventListener("click", (e) => {
    lastActed = Date.now();
    const link = e.target.closest('a[href^="#wb-field-"]');
    if (link) {
      e.preventDefault();
      link.getAttribute("href").slice("#wb-field-".length).split(",").some(focusField);
    }
  }, true);

  function focusField(field) {
    const box = document.querySelector(".st-key-c_" + CSS_ESCAPE(field))
      || document.querySelector(".st-key-" + CSS_ESCAPE(field))
      || document.querySelector(".st-key-" + CSS_ESCAPE(ERROR + field));
    if (!box) return false;
    const target = controls(box).find((el) => el.tabIndex >= 0 && !el.disabled) || box;
    if (target === box) box.tabIndex = -1;  // a checklist's message: focus the message
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
    return true;
  }

  function fix() {
    // Heading anchors, help icons and the page's own container are not Tab stops.
    document.querySelectorAll(
      '[data-testid="stHeaderActionElements"] a, ' +
      '[data-testid="stTooltipHoverTarget"] > button[aria-label^="Help for"], ' +
      '[data-testid="stMain"]'
    ).forEach((el) => { if (el.tabIndex !== -1) el.tabIndex = -1; });
    // A chart wider than a small screen scrolls inside itself: reachable by keyboard too.
    document.querySelectorAll('[data-testid="stVegaLiteChart"]').forEach((chart) => {
      const scrolls = chart.scrollWidth > chart.clientWidth + 1;
      if (scrolls && chart.tabIndex !== 0) chart.tabIndex = 0;
      if (!scrolls && chart.hasAttribute("tabindex")) chart.removeAttribute("tabindex");
    });
    // Named groups: each red-flag condition, the exercise screen.
    document.querySelectorAll('[class*="st-key-' + GROUP + '"]').forEach((box) => {
      const name = box.querySelector('[data-testid="stMarkdownContainer"]');
      if (!name) return;
      if (!name.id) name.id = "wb-name-" + keyOf(box).slice(7);
      box.setAttribute("role", "group");
      box.setAttribute("aria-labelledby", name.id);
    });
    // A group's tier, announced politely when it changes; an emergency is announced once,
    // by its banner (an alert), not again here.
    const alerting = !!document.querySelector(".st-key-" + EMERGENCY + ' [role="alert"]');
    const quiet = alerting && !hadAlert;
    hadAlert = alerting;
    document.querySelectorAll('[class*="st-key-' + TIER + '"]').forEach((box) => {
      const key = keyOf(box);
      const text = box.innerText.trim();
      const group = box.closest('[role="group"]');
      const name = group ? document.getElementById(group.getAttribute("aria-labelledby")) : null;
      if (tiers.has(key) && tiers.get(key) !== text && text && !quiet) {
        say((name ? name.innerText.trim() + ": " : "") + text);
      }
      tiers.set(key, text);
    });
    // Errors tied to their fields.
    const now = new Set();
    document.querySelectorAll('[class*="st-key-' + ERROR + '"]').forEach((box) => {
      const field = keyOf(box).slice(7 + ERROR.length);
      if (!box.innerText.trim()) return;
      box.id = "wb-error-" + field;
      const target = document.querySelector(".st-key-c_" + CSS_ESCAPE(field));
      if (!target) return;
      controls(target).forEach((el) => {
        el.setAttribute("aria-invalid", "true");
        el.setAttribute("aria-describedby", box.id);
        now.add(el);
      });
      const group = target.querySelector('[role="radiogroup"]');
      if (group) { group.setAttribute("aria-invalid", "true");
                   group.setAttribute("aria-describedby", box.id); now.add(group); }
    });
    marked.forEach((el) => {
      if (now.has(el)) return;
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    });
    marked = now;
    // Focus kept on the control that was used when a rerun redraws it; just after a page
    // change, on the new page's heading.
    const active = document.activeElement;
    if ((!active || active === document.body) && headingPending) {
      const h1 = document.querySelector('[data-testid="stMain"] h1');
      if (h1) {
        h1.tabIndex = -1;
        h1.focus({ preventScroll: true });
        headingPending = false;
        return;
      }
    }
    if ((!active || active === document.body) && lastFocus && Date.now() - lastActed < 2000) {
      const box = lastFocus.key ? document.querySelector("." + CSS_ESCAPE(lastFocus.key)) : null;
      const list = box ? controls(box) : [];
      const same = [...document.querySelectorAll(
        '[data-testid="stMain"] ' + lastFocus.tag.toLowerCase())]
        .find((el) => lastFocus.text && label(el) === lastFocus.text);
      const target = list[lastFocus.index] || list[0] || same;
      if (target && followed(target)) target.focus({ preventScroll: true });
    }
  }

  let queued = false;
  new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => { queued = false; fix(); });
  }).observe(document.body, { subtree: true, childList: true, characterData: true });

  function toTop() {
    const m = main();
    if (m) m.scrollTop = 0;
    window.scrollTo(0, 0);
  }

  return {
    update(data) {
      if (data.title) document.title = data.title;
      if (data.page && data.page !== page) {
        const first = page === null;
        // A tablet or a narrow window, on a page of the consultation: the sidebar folded
        // away once, when the app opens, so the form has the width (the arrow at the top
        // left brings it back). The teaching pages keep Streamlit's own behaviour.
        if (first && data.fold && window.innerWidth < 1100) {
          const fold = (left) => {
            const button = document.querySelector(
              '[data-testid="stSidebarCollapseButton"] button, ' +
              '[data-testid="stSidebar"] [data-testid="stBaseButton-headerNoPadding"]');
            const bar = document.querySelector('[data-testid="stSidebar"]');
            const open = bar && bar.getBoundingClientRect().right > 50;
            if (button && open) button.click();
            else if (left > 0) setTimeout(() => fold(left - 1), 200);
          };
          fold(25);
        }
        page = data.page;
        headingPending = !first;
        lastFocus = null;
        // A new page opens at its top, with focus on its heading, and says which it is.
        // Until the person acts: they may scroll or pick something at once.
        scrollPending = !first;
        const settle = (left) => {
          if (!scrollPending) return;
          toTop();
          const h1 = document.querySelector('[data-testid="stMain"] h1');
          const active = document.activeElement;
          if (h1 && headingPending && (!active || active === document.body || active === h1)) {
            h1.tabIndex = -1;
            h1.focus({ preventScroll: true });
          }
          if (left > 0) setTimeout(() => settle(left - 1), 150);
        };
        settle(4);
        if (!first) say(data.heading || "");
      }
      if (data.focus) {
        const go = (left) => {
          if (focusField(data.focus) || left <= 0) return;
          setTimeout(() => go(left - 1), 150);
        };
        go(6);
      }
      fix();
    },
  };
}

function CSS_ESCAPE(text) { return window.CSS && CSS.escape ? CSS.escape(text) : text; }
"""


def _script() -> str:
    import json

    constants = {"CSS": _CSS, "GROUP": GROUP, "TIER": TIER, "ERROR": ERROR, "EMERGENCY": EMERGENCY}
    head = "".join(f"const {name} = {json.dumps(value)};\n" for name, value in constants.items())
    return head + _JS


_component: Any = None


def page_aid(page: str, title: str, fold: bool = False) -> None:
    """Mount the page aid for this run: the page's key and title, whether a narrow screen
    folds the sidebar away on opening (`fold`: the consultation's pages), and any one-off
    request (a field to focus) made since the last run."""
    global _component
    if _component is None:
        _component = st.components.v2.component("walkback_aid", js=_script())
    request = st.session_state.pop(FOCUS, None) or {}
    data = {"page": page, "title": f"{title} — WalkBack CDS", "heading": title, "fold": fold}
    data.update(request)
    if request:
        # A request is a change of data, so the script runs again even on the same page.
        st.session_state[_RUN] = st.session_state.get(_RUN, 0) + 1
        data["run"] = st.session_state[_RUN]
    with st.container(key="wb_aid"):
        _component(data=data, key="wb_aid_script")


def skip_link(words: str, *targets: str) -> str:
    """A Markdown link that moves focus past a long list to the first of `targets` drawn (a
    form field, or a keyed container): one Tab stop instead of one per item."""
    return f"[{words}](#wb-field-{','.join(targets)})"


def error_summary(errors: dict[str, list[str]]) -> None:
    """Every error of the form at its top, each a link that moves focus to its field."""
    from .base import md_text

    lines = [
        f"- [{md_text(message)}](#wb-field-{field})"
        for field, messages in errors.items()
        for message in messages
    ]
    with st.container(key=SUMMARY):
        st.error(
            f"**{len(lines)} answer{'s' if len(lines) != 1 else ''} need a look** "
            "(each link goes to its field):\n\n" + "\n".join(lines),
            icon=":material/error:",
        )


def focus_field(field: str) -> None:
    """On the next run, move focus to the form field `field` (its first control)."""
    st.session_state[FOCUS] = {"focus": field}
