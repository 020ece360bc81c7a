// Lint: neostandard (as Fastify's own demo application uses), for TypeScript, with its style rules off
// because Prettier formats the code (.prettierrc.json).
import neostandard from 'neostandard';

export default [
  { ignores: ['dist/', 'dist-test/', 'node_modules/', 'bench/tmp/', '.tap/'] },
  ...neostandard({ ts: true, noStyle: true }),
  {
    rules: {
      // Field names are the API's and the SQL's (customer_id, total_orders): snake_case on purpose.
      camelcase: 'off',
      // `void promise` marks a promise deliberately not awaited.
      'no-void': ['error', { allowAsStatement: true }],
      // A TypeBox schema and its Static type share a name on purpose.
      '@typescript-eslint/no-redeclare': 'off',
      // It cannot see a loop condition changed by a callback while the loop awaits.
      'no-unmodified-loop-condition': 'off',
    },
  },
];
