/*
 * Behaviour shared by every docs page (scripts/docs/assets/docs.js, copied to generated/docs/assets/ by npm run build).
 * Loaded in <head>, before Redoc starts. The page's data is the JSON of <html data-docs>:
 *   operations: { <operationId>: <route> }, tags: { <tag>: <route> }  the routes of this page
 *   (`/resourcedirectory/...`)
 *   headings: [<id>, ...]                                               the ids of the operations' headings
 *   (`error-codes`)
 *   targets: { <href of a switch link>: [<route>, ...] }               the routes the page behind each switch link has
 * Redoc routes in the fragment (`#/resourcedirectory/enableresourcedirectory`, then `#<anchor>` for a place in it).
 */
(function () {
  'use strict';
  var root = document.documentElement;

  // The colour scheme, as Redoc decides it (its choice in localStorage, else the system's), set before anything paints.
  // Redoc's pages run the same rule themselves; the version comparison pages have only this one.
  var mode;
  try {
    mode = localStorage.getItem('redoc.colorMode');
  } catch {
    mode = null; // no storage (file:// in some browsers): the system's scheme
  }
  if (mode !== 'light' && mode !== 'dark')
    mode = window.matchMedia && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
  root.classList.add(mode);

  var data;
  try {
    data = JSON.parse(root.getAttribute('data-docs') || '{}');
  } catch {
    data = {};
  }

  // Links of Redoc 2 (`#tag/<tag>/operation/<id>`, `#operation/<id>`, `#section/<slug>`, `#tag/<tag>`) become the
  // routes of this page before Redoc reads the address, so an old link opens the place it named, never a 404.
  function legacyRoute(hash) {
    var m = /^#(?:tag\/[^/]+\/)?operation\/([^/#]+)$/.exec(hash);
    if (m && data.operations && data.operations[decodeURIComponent(m[1])])
      return data.operations[decodeURIComponent(m[1])];
    m = /^#section\/([^#]+)$/.exec(hash);
    if (m) return '/section/' + m[1].toLowerCase();
    m = /^#tag\/([^/#]+)$/.exec(hash);
    if (m && data.tags && data.tags[decodeURIComponent(m[1])]) return data.tags[decodeURIComponent(m[1])];
    return undefined;
  }
  // Redoc links a heading of an operation as `#/<route>#<route without its first slash>/request/<id>` but gives the
  // heading the id `/<route>/request/<id>`, so such a link, opened on its own, stays at the top of the operation:
  // the place gets its leading slash here, before Redoc reads it.
  function headingPlace(hash) {
    var m = /^#(\/[^#]+)#([^/#][^#]*)$/.exec(hash);
    if (!m) return undefined;
    var prefix = m[1].slice(1).toLowerCase() + '/request/';
    var place = decodeURIComponent(m[2]).toLowerCase();
    if (place.indexOf(prefix) !== 0 || (data.headings || []).indexOf(place.slice(prefix.length)) === -1)
      return undefined;
    return m[1] + '#/' + place;
  }
  var fixed = legacyRoute(location.hash) || headingPlace(location.hash);
  if (fixed && history.replaceState) history.replaceState(history.state, '', '#' + fixed);

  /** The route part of the address (`/resourcedirectory/getresourcedirectory`), or '' at the top. */
  function currentRoute() {
    var hash = location.hash;
    if (hash.indexOf('#/') !== 0) return '';
    var end = hash.indexOf('#', 1);
    return decodeURIComponent(end === -1 ? hash.slice(1) : hash.slice(1, end));
  }

  // A switch link leads to the same place on the other page when that page has it (the same operation in the other
  // version or language), else to the other page's top. Its href is brought up to date whenever it is about to be
  // used (pointer, focus, touch, context menu), so that it can also be copied or opened in a new tab.
  function retarget(link) {
    var base = link.getAttribute('data-href') || link.getAttribute('href');
    link.setAttribute('data-href', base);
    var routes = (data.targets && data.targets[base]) || [];
    var route = currentRoute();
    link.setAttribute('href', route && routes.indexOf(route) !== -1 ? base + location.hash : base);
  }
  function onUse(event) {
    var link = event.target && event.target.closest && event.target.closest('a[data-keep-route]');
    if (link) retarget(link);
  }
  ['pointerover', 'focusin', 'touchstart', 'mousedown', 'click', 'contextmenu'].forEach(function (type) {
    document.addEventListener(type, onUse, { capture: true, passive: true });
  });
})();
