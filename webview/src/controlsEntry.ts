// The preview's controls script (dist/webview/preview-controls.js): the @vscode-elements custom
// elements the control bar uses, two thirds of the webview's own code. The page builds the bar with
// their tags at once; this module defines them (upgrading the elements in place) after the first
// picture is on screen, so that their code and first rendering never delay it. Until then the CSS
// keeps the undefined elements hidden.

import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
