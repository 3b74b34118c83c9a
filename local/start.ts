// The local cloud entry point (`npm start`): its services are being assembled under local/.
console.error(
  'The local cloud is not assembled yet: its services live under local/ and are tested with npm test.',
);
process.exit(1);
