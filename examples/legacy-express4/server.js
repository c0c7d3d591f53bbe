'use strict';

const { createApp } = require('./app');

const port = Number(process.env.PORT || 3000);
const { app, close } = createApp();
const server = app.listen(port, '127.0.0.1', function () {
  console.log('legacy app on http://127.0.0.1:' + port + ' — OpenAI base URL http://127.0.0.1:' + port + '/v1');
});

function stop() {
  server.close();
  close().then(function () { process.exit(0); });
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
