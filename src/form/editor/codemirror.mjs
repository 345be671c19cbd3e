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
  zh: { full: '全屏', exit: '退出全屏' },
  en: { full: 'Full screen', exit: 'Exit full screen' },
};
const text = () => TEXT[(document.documentElement.lang || 'zh').startsWith('en') ? 'en' : 'zh'];

// Full screen: the box covers the page (CodeMirror follows its size); the button, or Esc
// pressed twice, leaves.
function fullscreenButton(box, view) {
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
    box.style.setProperty('--editor-height', on ? 'calc(100vh - 2px)' : '');
    render();
    view.focus();
  });
  Object.assign(button.style, { position: 'absolute', top: '4px', right: '4px', zIndex: '5' });
  render();
  const langWatch = new MutationObserver(render);
  langWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  box.style.position = box.style.position || 'relative';
  box.appendChild(button);
  return () => {
    langWatch.disconnect();
    if (box.classList.contains('fullscreen')) button.click();
    button.remove();
  };
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
  const dropButton = fullscreenButton(box, view);
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
