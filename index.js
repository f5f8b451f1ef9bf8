// n8n loads the node and credential from package.json's "n8n" section; this entry point is empty.
module.exports = {};
