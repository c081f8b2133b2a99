// Small DOM helpers. Everything from the server or the user goes in as textContent, never as HTML,
// so a function name like "<img onerror=…>" shows up as text.

export function byId(id) {
  return document.getElementById(id);
}

/** Creates an element with attributes (data-*, aria-*, class…) and text or child nodes. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children) {
    node.append(child instanceof Node ? child : document.createTextNode(String(child ?? '')));
  }
  return node;
}

export function clear(node) {
  node.replaceChildren();
}

/** Replaces a node's content with one message paragraph styled as ok or bad. */
export function showMessage(node, kind, text, testId) {
  node.replaceChildren(el('p', { class: kind, 'data-test': testId }, text));
}
