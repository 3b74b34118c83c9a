import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const awsInCore = {
  patterns: [
    {
      group: [
        '@aws-sdk/*',
        'aws-sdk',
        'aws-lambda',
        'aws-cdk-lib',
        'aws-cdk-lib/*',
        '@aws-lambda-powertools/*',
      ],
      message: 'lambdas/core is pure: AWS SDK, Lambda and CDK types belong in adapters or handlers.',
    },
    {
      group: ['**/adapters/**', '**/handlers/**'],
      message: 'lambdas/core must not depend on adapters or handlers.',
    },
    {
      group: ['**/generated/**', '**/*.generated', '**/graphql/types*'],
      message: 'lambdas/core must not use generated GraphQL types.',
    },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'cdk.out',
      'coverage',
      'web/dist',
      '.team-local',
      '.test-artifacts',
      'graphql/generated',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The dependency rules are CommonJS, as dependency-cruiser loads them.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    files: ['lambdas/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', awsInCore] },
  },
  {
    // The command line talks to TEAM (GraphQL, OAuth) only, never to AWS services or the CDK.
    files: ['bin/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '@aws-sdk/*',
                'aws-sdk',
                'aws-cdk-lib',
                'aws-cdk-lib/*',
                'aws-amplify',
                'aws-amplify/*',
              ],
              message: 'bin/cli is a client of the TEAM API: no AWS SDK, CDK or amplify.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'warn',
    },
  },
);
