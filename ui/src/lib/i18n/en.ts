// Every string the user reads, in one place, ready for translation. Keys are grouped by screen.
export const en = {
  app: {
    name: 'Auth0 Event Grid Setup',
  },
  welcome: {
    title: 'Send your Auth0 logs to Azure Event Grid',
    lead:
      'This app connects your Auth0 tenant to Azure so that sign-ins, failed logins, sign-ups and admin changes reach Azure within seconds. It takes about ten minutes. You can stop at any point: the app remembers where you were.',
    stepsHeading: 'What happens, in four steps',
    steps: [
      {
        title: 'Prepare Azure',
        detail: 'Turn on Event Grid in your subscription and allow Auth0 to deliver events into one resource group.',
        term: 'Resource provider registration and partner authorization',
      },
      {
        title: 'Create the Auth0 stream',
        detail: 'Tell Auth0 which events to send and to which Azure region.',
        term: 'Log stream of type Azure Event Grid',
      },
      {
        title: 'Activate the connection',
        detail: 'Check that the connection Auth0 made really comes from your tenant, then switch it on.',
        term: 'Partner topic activation',
      },
      {
        title: 'Choose where events go',
        detail: 'A web address, an Event Hub, a queue or a function receives every event.',
        term: 'Event subscription',
      },
    ],
    createsHeading: 'What it will create',
    creates: [
      'In Auth0: one log stream.',
      'In Azure: a partner authorization and a partner topic in the resource group you choose, and one event subscription.',
      'Nothing is deleted, and nothing outside that resource group is changed.',
    ],
    needsHeading: 'What you need',
    needs: [
      'Azure: Contributor on the resource group, and the right to register a resource provider on the subscription (Owner or Contributor on it).',
      'Auth0: a machine-to-machine application allowed to manage log streams. The app shows you how to create one.',
    ],
    version: (version: string, tauri: string) => `Version ${version} · Tauri ${tauri}`,
    versionLoading: 'Reading version…',
    versionUnavailable: 'Version unavailable',
  },
} as const;

export type Strings = typeof en;
