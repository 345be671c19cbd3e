// fastexec's script editor: CodeMirror 6, bundled by tools/pre-build.mjs into
// `fastexec-editor.js` and imported by the app on the first focus of its script box
// (src/lazy/bridge.rs). It takes the place of the textarea, which stays in the page,
// hidden, as the form's control (`name="script_content"`): every edit is written back to it
// with an `input` event, and whatever sets its value (the app restoring a draft, opening a
// file, automation) is shown in the editor. Until this file has loaded, or when it cannot
// load, the textarea is the editor.
import { Compartment, EditorState, RangeSetBuilder, StateEffect, StateField } from '@codemirror/state';
import {
  Decoration,
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentMore } from '@codemirror/commands';
import { highlightSelectionMatches, search, searchKeymap } from '@codemirror/search';
import {
  StreamLanguage,
  bracketMatching,
  defaultHighlightStyle,
  syntaxHighlighting,
} from '@codemirror/language';
import { StyleModule } from 'style-mod';
import { shell } from '@codemirror/legacy-modes/mode/shell';
import { perl } from '@codemirror/legacy-modes/mode/perl';
import { python } from '@codemirror/legacy-modes/mode/python';
import { powerShell } from '@codemirror/legacy-modes/mode/powershell';

// CodeMirror puts its styles into a <style> element, which the app's Content-Security-Policy
// refuses (style-src 'self': no inline style elements), leaving the editor unstyled and its
// text input broken. A constructed stylesheet is not an inline element: every style module
// goes into one, adopted by the document, in the order CodeMirror gives them.
const sheet = new CSSStyleSheet();
const mounted = [];
StyleModule.mount = (root, modules) => {
  let changed = false;
  let at = 0;
  for (const m of Array.isArray(modules) ? modules : [modules]) {
    const i = mounted.indexOf(m);
    if (i < 0) {
      mounted.splice(at, 0, m);
      at += 1;
      changed = true;
    } else {
      at = i + 1;
    }
  }
  if (changed) sheet.replaceSync(mounted.map((m) => m.getRules()).join('\n'));
  const target = root.adoptedStyleSheets ? root : document;
  if (!target.adoptedStyleSheets.includes(sheet)) {
    target.adoptedStyleSheets = [sheet, ...target.adoptedStyleSheets];
  }
};

// Batch files have no CodeMirror mode: comments, labels, variables, strings and keywords.
const BAT_KEYWORDS = new Set(
  'call cd chdir cls copy del echo else endlocal errorlevel exist exit for goto if in md mkdir move not pause popd pushd rd rem ren rename rmdir set setlocal shift start title type do defined equ neq lss leq gtr geq'.split(
    ' ',
  ),
);
const bat = {
  name: 'bat',
  startState: () => ({}),
  token(stream) {
    if (stream.sol()) {
      stream.eatSpace();
      if (stream.match(/^(rem\b|::)/i)) {
        stream.skipToEnd();
        return 'comment';
      }
      if (stream.match(/^:[^\s]+/)) return 'labelName';
    }
    if (stream.eatSpace()) return null;
    if (stream.match(/^%~?[\w]+%?|^%%\w|^!\w+!/)) return 'variableName';
    if (stream.match(/^"[^"]*"?/)) return 'string';
    if (stream.match(/^@?[A-Za-z_][\w.-]*/)) {
      const w = stream.current().replace(/^@/, '').toLowerCase();
      return BAT_KEYWORDS.has(w) ? 'keyword' : null;
    }
    stream.next();
    return null;
  },
};

// BK-JOB's script_language codes: 1 shell, 2 bat, 3 perl, 4 python, 5 powershell, 6 SQL.
function languageOf(code) {
  const mode = { 1: shell, 2: bat, 3: perl, 4: python, 5: powerShell }[code];
  return mode ? StreamLanguage.define(mode) : [];
}

// Marked lines (the dangerous-script rules the app matched): a class per line and its
// descriptions as the line's title.
const setMarks = StateEffect.define();
const marks = StateField.define({
  create: () => Decoration.none,
  update(deco, tr) {
    deco = deco.map(tr.changes);
    for (const e of tr.effects) if (e.is(setMarks)) deco = e.value;
    return deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

function marksFor(doc, list) {
  const b = new RangeSetBuilder();
  for (const m of [...list].sort((a, c) => a.line - c.line)) {
    if (m.line < 1 || m.line > doc.lines) continue;
    const line = doc.line(m.line);
    b.add(
      line.from,
      line.from,
      Decoration.line({
        class: m.intercept ? 'cm-danger-intercept' : 'cm-danger-scan',
        attributes: { title: m.text, 'data-danger-line': String(m.line) },
      }),
    );
  }
  return b.finish();
}

// Sizes and the marked lines; CodeMirror injects it (no stylesheet to load).
const theme = EditorView.theme({
  // The box around (the app's `.editor`) draws the border and the focus ring; full screen
  // sets --editor-height.
  '&': { height: 'var(--editor-height, 22em)', fontSize: '13px' },
  '&.cm-focused': { outline: 'none' },
  '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' },
  '.cm-danger-intercept': { backgroundColor: '#fde2e1' },
  '.cm-danger-scan': { backgroundColor: '#fff4ce' },
});

// The editor's own controls; the page's language is the app's (<html lang>).
const TEXT = {
  zh: {
    full: '全屏',
    exit: '退出全屏',
    templates: '模板',
    pick: '选择模板…',
    insert: '插入',
    builtIn: '默认模板',
    mine: '我的模板',
    save: '存为模板',
    remove: '删除模板',
    name: '模板名称（保存在本浏览器中，请勿包含密码等敏感信息）：',
    replace: '用模板替换编辑器中的脚本？',
    removeAsk: '删除模板“{name}”？',
    none: '（本语言没有默认模板）',
  },
  en: {
    full: 'Full screen',
    exit: 'Exit full screen',
    templates: 'Templates',
    pick: 'Choose a template…',
    insert: 'Insert',
    builtIn: 'Default templates',
    mine: 'My templates',
    save: 'Save as template',
    remove: 'Delete template',
    name: 'Template name (kept in this browser; never put passwords or other secrets in it):',
    replace: 'Replace the script in the editor with the template?',
    removeAsk: 'Delete the template "{name}"?',
    none: '(no default template for this language)',
  },
};

// Default scripts per script_language, in the spirit of BK-JOB's: how arguments arrive, and
// what the exit code means for the host.
const DEFAULTS = {
  1: `#!/bin/bash
# BK-JOB runs this script on every target host, as the execution account.
# Script parameters arrive as $1, $2, ... (e.g. "web01 80").
set -euo pipefail

name="\${1:-world}"
echo "hello, \${name}, from $(hostname)"

# Exit code 0: this host succeeded. Anything else marks the host failed.
exit 0
`,
  2: `@echo off
rem BK-JOB runs this script on every target host. Parameters arrive as %1, %2, ...
setlocal
set "NAME=%~1"
if "%NAME%"=="" set "NAME=world"
echo hello, %NAME%, from %COMPUTERNAME%
rem Exit code 0: this host succeeded. Anything else marks the host failed.
exit /b 0
`,
  3: `#!/usr/bin/perl
# BK-JOB runs this script on every target host. Parameters arrive in @ARGV.
use strict;
use warnings;

my $name = $ARGV[0] // 'world';
print "hello, $name\n";

# Exit code 0: this host succeeded. Anything else marks the host failed.
exit 0;
`,
  4: `#!/usr/bin/env python3
# BK-JOB runs this script on every target host. Parameters arrive in sys.argv[1:].
import socket
import sys

name = sys.argv[1] if len(sys.argv) > 1 else "world"
print(f"hello, {name}, from {socket.gethostname()}")

# Exit code 0: this host succeeded. Anything else marks the host failed.
sys.exit(0)
`,
  5: `# BK-JOB runs this script on every target host. Parameters arrive in $args.
$ErrorActionPreference = "Stop"

$name = if ($args.Count -gt 0) { $args[0] } else { "world" }
Write-Output "hello, $name, from $env:COMPUTERNAME"

# Exit code 0: this host succeeded. Anything else marks the host failed.
exit 0
`,
};

// The user's own templates: [{name, language, text}] in localStorage (never a secret: the
// prompt says so, and nothing is stored without the user asking).
const STORE = 'fastexec.templates.v1';
const loadMine = () => {
  try {
    const v = JSON.parse(localStorage.getItem(STORE) || '[]');
    return Array.isArray(v) ? v.filter((t) => t && typeof t.name === 'string' && typeof t.text === 'string') : [];
  } catch (e) {
    return [];
  }
};
const saveMine = (list) => localStorage.setItem(STORE, JSON.stringify(list));
const text = () => TEXT[(document.documentElement.lang || 'zh').startsWith('en') ? 'en' : 'zh'];

// Full screen: the box covers the page (CodeMirror follows its size); the button, or Esc
// pressed twice, leaves.
function fullscreenButton(box, toolbar, view) {
  const button = document.createElement('button');
  button.type = 'button';
  button.id = 'editor-fullscreen';
  button.className = 'editor-fullscreen';
  const saved = {};
  const render = () => {
    const on = box.classList.contains('fullscreen');
    button.textContent = on ? text().exit : text().full;
    button.setAttribute('aria-pressed', String(on));
  };
  const style = { position: 'fixed', inset: '0', zIndex: '50', background: '#fff' };
  button.addEventListener('click', () => {
    const on = !box.classList.contains('fullscreen');
    box.classList.toggle('fullscreen', on);
    for (const [k, v] of Object.entries(style)) {
      if (on) {
        saved[k] = box.style[k];
        box.style[k] = v;
      } else box.style[k] = saved[k] || '';
    }
    box.style.setProperty('--editor-height', on ? 'calc(100vh - 3.2em)' : '');
    render();
    view.focus();
  });
  render();
  const langWatch = new MutationObserver(render);
  langWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  toolbar.appendChild(button);
  return () => {
    langWatch.disconnect();
    if (box.classList.contains('fullscreen')) button.click();
    button.remove();
  };
}

// The template menu: defaults for the script's language and the user's own templates; a
// template replaces a non-empty script only after a confirmation. Save / delete the user's.
function templateMenu(toolbar, view, language) {
  const bar = document.createElement('span');
  bar.className = 'editor-templates';
  Object.assign(bar.style, { display: 'inline-flex', gap: '4px', flexWrap: 'wrap' });
  const select = document.createElement('select');
  select.id = 'editor-template';
  const use = document.createElement('button');
  use.type = 'button';
  use.id = 'editor-template-insert';
  const save = document.createElement('button');
  save.type = 'button';
  save.id = 'editor-template-save';
  const remove = document.createElement('button');
  remove.type = 'button';
  remove.id = 'editor-template-delete';
  const fill = (s, name) => s.replace('{name}', name);
  const render = () => {
    const t = text();
    select.setAttribute('aria-label', t.templates);
    use.textContent = t.insert;
    save.textContent = t.save;
    remove.textContent = t.remove;
    select.replaceChildren();
    const first = new Option(t.pick, '');
    select.add(first);
    const builtIn = document.createElement('optgroup');
    builtIn.label = t.builtIn;
    if (DEFAULTS[language()]) builtIn.append(new Option(t.builtIn, 'default'));
    else builtIn.append(Object.assign(new Option(t.none, ''), { disabled: true }));
    select.add(builtIn);
    const mine = loadMine().filter((m) => m.language === language());
    if (mine.length) {
      const group = document.createElement('optgroup');
      group.label = t.mine;
      mine.forEach((m) => group.append(new Option(m.name, 'mine:' + m.name)));
      select.add(group);
    }
    states();
  };
  const chosen = () => {
    if (select.value === 'default') return DEFAULTS[language()];
    if (select.value.startsWith('mine:')) {
      const name = select.value.slice(5);
      const m = loadMine().find((x) => x.name === name && x.language === language());
      return m && m.text;
    }
    return null;
  };
  const states = () => {
    remove.disabled = !select.value.startsWith('mine:');
    use.disabled = !select.value;
  };
  select.addEventListener('change', states);
  // Inserting is a separate, deliberate step (a select changes with every arrow key).
  const insert = () => {
    const body = chosen();
    if (body == null) return;
    const doc = view.state.doc;
    if (doc.length > 0 && !window.confirm(text().replace)) return;
    view.dispatch({ changes: { from: 0, to: doc.length, insert: body }, selection: { anchor: 0 }, userEvent: 'input.paste' });
    view.focus();
  };
  use.addEventListener('click', insert);
  save.addEventListener('click', () => {
    const name = (window.prompt(text().name) || '').trim();
    if (!name) return;
    const list = loadMine().filter((m) => !(m.name === name && m.language === language()));
    list.push({ name, language: language(), text: view.state.doc.toString() });
    saveMine(list);
    render();
  });
  remove.addEventListener('click', () => {
    if (!select.value.startsWith('mine:')) return;
    const name = select.value.slice(5);
    if (!window.confirm(fill(text().removeAsk, name))) return;
    saveMine(loadMine().filter((m) => !(m.name === name && m.language === language())));
    render();
  });
  bar.append(select, use, save, remove);
  toolbar.appendChild(bar);
  render();
  const langWatch = new MutationObserver(render);
  langWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  return { render, drop: () => { langWatch.disconnect(); bar.remove(); } };
}

// The textarea's own `value` accessor (the instance gets one that also updates the editor).
const VALUE = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value');

// What Tab inserts (as the textarea does: src/form/editor/model.rs INDENT).
const INDENT = '    ';

// The form's script_language (BK-JOB's code: the checked radio button).
const languageCode = () => {
  const checked = document.querySelector('input[name="script_language"]:checked');
  return checked ? Number(checked.value) : 1;
};

// Puts the editor in the textarea's place, named by the textarea's label; the highlighting
// follows the form's script language. Returns the editor's handle (also kept as
// `textarea.fastexecEditor`).
export function upgrade(textarea) {
  if (textarea.fastexecEditor) return textarea.fastexecEditor;
  const box = textarea.closest('.editor') || textarea.parentElement;
  const lang = new Compartment();
  const label = textarea.id && document.querySelector(`label[for="${textarea.id}"]`);
  // Esc, then Tab, leaves the editor (as in the textarea); Shift+Tab always leaves.
  let released = false;
  const keys = [
    {
      key: 'Tab',
      run(view) {
        if (released) return false;
        const { state } = view;
        const sel = state.selection.main;
        if (state.doc.lineAt(sel.from).number !== state.doc.lineAt(sel.to).number) {
          return indentMore(view);
        }
        view.dispatch({
          changes: { from: sel.from, to: sel.to, insert: INDENT },
          selection: { anchor: sel.from + INDENT.length },
          scrollIntoView: true,
          userEvent: 'input.type',
        });
        return true;
      },
    },
    { key: 'Shift-Tab', run: () => false },
    {
      key: 'Escape',
      run() {
        released = true;
        // The app announces it (its status line listens on the textarea).
        textarea.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
        return false;
      },
    },
  ];
  let shown = languageCode();
  const aria = new Compartment();
  const ariaOf = () => {
    const out = {};
    for (const a of ['aria-invalid', 'aria-describedby']) {
      const v = textarea.getAttribute(a);
      if (v !== null) out[a] = v;
    }
    return out;
  };
  let templates = null;
  // Writing back to the textarea must not come back as a change of its value.
  let writing = false;
  const host = document.createElement('div');
  host.className = 'cm-host';
  host.style.flex = '1';
  host.style.minWidth = '0';
  box.appendChild(host);
  const view = new EditorView({
    parent: host,
    state: EditorState.create({
      doc: VALUE.get.call(textarea),
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        bracketMatching(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        search({ top: true }),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        lang.of(languageOf(shown)),
        marks,
        theme,
        EditorState.tabSize.of(4),
        keymap.of([...keys, ...searchKeymap, ...historyKeymap, ...defaultKeymap]),
        aria.of(EditorView.contentAttributes.of(ariaOf())),
        EditorView.contentAttributes.of({
          'aria-label': label ? label.textContent : 'script',
          spellcheck: 'false',
          autocapitalize: 'off',
          autocorrect: 'off',
        }),
        EditorView.domEventHandlers({
          keydown(e) {
            if (e.key !== 'Escape' && e.key !== 'Tab') released = false;
            return false;
          },
          blur() {
            released = false;
            textarea.dispatchEvent(new Event('blur'));
            return false;
          },
        }),
        EditorView.updateListener.of((u) => {
          if (!u.docChanged || writing) return;
          writing = true;
          VALUE.set.call(textarea, u.state.doc.toString());
          textarea.dispatchEvent(new Event('input', { bubbles: true }));
          writing = false;
        }),
      ],
    }),
  });
  const setText = (next) => {
    const doc = view.state.doc;
    if (doc.length === next.length && doc.toString() === next) return;
    writing = true;
    view.dispatch({ changes: { from: 0, to: doc.length, insert: next } });
    writing = false;
  };
  Object.defineProperty(textarea, 'value', {
    configurable: true,
    get() {
      return VALUE.get.call(this);
    },
    set(v) {
      VALUE.set.call(this, v);
      if (!writing) {
        setText(VALUE.get.call(this));
        requestAnimationFrame(followLanguage);
      }
    },
  });
  // The textarea's state for assistive technology follows it to the editor (through
  // CodeMirror: it reads foreign changes of its content element as edits and selections).
  const mirror = () =>
    view.dispatch({ effects: aria.reconfigure(EditorView.contentAttributes.of(ariaOf())) });
  const watch = new MutationObserver(mirror);
  watch.observe(textarea, { attributes: true, attributeFilter: ['aria-invalid', 'aria-describedby'] });
  // The language is chosen with the radio buttons (a change event) or set by the app with the
  // text (a file opened, a draft restored: no event, so it is read again after a new text).
  const followLanguage = () => {
    const now = languageCode();
    if (now !== shown) {
      shown = now;
      view.dispatch({ effects: lang.reconfigure(languageOf(now)) });
      if (templates) templates.render();
    }
  };
  const onChange = (e) => {
    if (e.target && e.target.name === 'script_language') followLanguage();
  };
  document.addEventListener('change', onChange);
  // The label named the textarea: it now focuses the editor.
  const onLabel = (e) => {
    e.preventDefault();
    view.focus();
  };
  if (label) label.addEventListener('click', onLabel);
  // Where the caret was (the user may have typed while this loaded).
  const hadFocus = document.activeElement === textarea;
  const caret = textarea.selectionStart || 0;
  box.classList.add('cm-active');
  // The textarea and the app's line numbers make way (CodeMirror has its own).
  const hidden = [textarea, box.querySelector('.gutter')].filter(Boolean);
  for (const el of hidden) el.style.display = 'none';
  textarea.tabIndex = -1;
  textarea.setAttribute('aria-hidden', 'true');
  if (hadFocus) {
    view.dispatch({ selection: { anchor: Math.min(caret, view.state.doc.length) }, scrollIntoView: true });
    view.focus();
  }
  // The editor's own controls, in a row above the text (inside the box: full screen keeps it).
  const toolbar = document.createElement('div');
  toolbar.className = 'editor-toolbar';
  Object.assign(toolbar.style, {
    display: 'flex',
    flexWrap: 'wrap',
    gap: '4px',
    justifyContent: 'flex-end',
    padding: '4px',
    borderBottom: '1px solid #d0d4da',
  });
  box.insertBefore(toolbar, box.firstChild);
  box.style.flexDirection = 'column';
  const dropButton = fullscreenButton(box, toolbar, view);
  templates = templateMenu(toolbar, view, () => shown);
  // Lines the high-risk check marked before the editor loaded (src/danger/view.rs).
  if (textarea.fastexecMarks) handle_marks(textarea.fastexecMarks);
  function handle_marks(list) {
    view.dispatch({ effects: setMarks.of(marksFor(view.state.doc, list)) });
  }
  const handle = {
    view,
    // The script_language code the highlighting follows.
    language: () => shown,
    setMarks: handle_marks,
    // Back to the plain textarea (tests; a failure after loading).
    destroy() {
      watch.disconnect();
      document.removeEventListener('change', onChange);
      dropButton();
      templates.drop();
      toolbar.remove();
      box.style.flexDirection = '';
      if (label) label.removeEventListener('click', onLabel);
      delete textarea.value;
      view.destroy();
      host.remove();
      box.classList.remove('cm-active');
      for (const el of hidden) el.style.display = '';
      textarea.removeAttribute('tabindex');
      textarea.removeAttribute('aria-hidden');
      delete textarea.fastexecEditor;
    },
  };
  textarea.fastexecEditor = handle;
  return handle;
}
