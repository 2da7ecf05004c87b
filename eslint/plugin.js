/** The project's own lint rules (eslint.config.js turns them on). */
import maxFunctionLines from './max-function-lines.js';
import noRelativeImportAcrossPackages from './no-relative-import-across-packages.js';

export default {
  meta: { name: 'chainwatch' },
  rules: {
    'max-function-lines': maxFunctionLines,
    'no-relative-import-across-packages': noRelativeImportAcrossPackages,
  },
};
