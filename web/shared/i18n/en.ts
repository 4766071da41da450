/**
 * Every text a customer sees (portal, support-button page, chat widget), in English.
 * de.ts has the same shape; the type below makes a missing German text a type error.
 */

const minutes = (n: number) => (n === 1 ? '1 minute' : `${n} minutes`);

export const en = {
  lang: 'en',
  languageName: 'English',
  common: {
    brand: 'Support',
    language: 'Language',
    dismiss: 'Dismiss',
    optional: 'optional',
    tryAgain: 'Try again',
    or: 'or',
  },
  start: {
    title: 'Get support',
    intro: 'Tell us what you need and a support representative will chat with you.',
  },
  key: {
    title: 'Have a session key?',
    hint: 'Enter the 7-digit key your support representative gave you.',
    label: 'Session key',
    submit: 'Start session',
    busy: 'Connecting…',
  },
  repList: {
    title: 'Choose a representative',
    hint: 'These representatives are available now.',
    legend: 'Representative',
    submit: 'Start session',
    busy: 'Connecting…',
  },
  issue: {
    title: 'Describe your issue',
    issue: 'Issue',
    loading: 'Loading…',
    choose: 'Choose an issue',
    detailsHint: 'What happened, and what you have tried.',
    submit: 'Request support',
    busy: 'Starting…',
    loadFailed: (reason: string) => `Could not load the list of issues: ${reason}`,
    none: 'No issues are open for requests right now. If a representative gave you a session key, enter it below.',
  },
  fields: {
    name: 'Your name',
    company: 'Company',
    details: 'Details',
  },
  button: {
    title: 'Start a support session',
    intro: (target: string | null) =>
      target ? `You will be connected with ${target}.` : 'You will be connected with a support representative.',
    submit: 'Start session',
    busy: 'Connecting…',
    loading: 'Checking your link…',
    expiredTitle: 'This link has expired',
    expiredText: 'Please ask your support contact for a new link, or start a request on the support portal.',
    invalidTitle: 'This link is not valid',
    invalidText: 'Please check the link, or start a request on the support portal.',
    toPortal: 'Go to the support portal',
  },
  session: {
    loading: 'Loading your session…',
    reconnecting: 'Connection lost. Reconnecting…',
    notFound: 'Your earlier support session could not be found. Please start a new one.',
    waitingTitle: "You're in line",
    next: 'You are next in line.',
    number: (n: number) => `You are number ${n} in line.`,
    queue: (name: string) => `Queue: ${name}`,
    waiting: 'Waiting for a representative…',
    keepOpen: 'A support representative will be with you shortly. Keep this page open: it updates by itself.',
    estimate: (ms: number) => {
      if (ms <= 0) return 'Estimated wait: any moment now';
      if (ms < 60_000) return 'Estimated wait: less than a minute';
      return `Estimated wait: about ${minutes(Math.ceil(ms / 60_000))}`;
    },
    notice: 'Notice',
    chatTitle: (rep: string | null) => `Chat with ${rep ?? 'your representative'}`,
    connectedTo: (names: string[]) =>
      names.length === 0 ? 'You are connected to a support representative.' : `You are connected to ${names.join(', ')}.`,
    sayHello: 'Say hello: your representative is here.',
    conversation: 'Conversation',
    you: 'You',
    message: 'Message',
    typeMessage: 'Type a message',
    send: 'Send',
    leave: 'Leave',
    leaving: 'Leaving…',
    leaveNote: 'Leaving ends your request.',
    endedTitle: 'Session ended',
    ended: {
      completed: 'Your representative ended the session. Thank you for contacting support.',
      abandoned: 'You left the session.',
      no_rep: 'Sorry: no representative was available to take your request.',
      expired: 'Sorry: your request waited too long and has expired.',
      canceled: 'Your request was canceled.',
    } as Record<string, string>,
    endedOther: 'This support session is over.',
    startNew: 'Start a new request',
  },
  widget: {
    launcher: 'Chat with us',
    title: 'Chat with support',
    startTitle: 'Start a chat',
    close: 'Close the chat window',
    intro: (target: string | null) => (target ? `Chat with ${target}.` : 'Chat with a support representative.'),
    question: 'How can we help?',
    start: 'Start chat',
    starting: 'Starting…',
    startNew: 'Start a new chat',
  },
  cobrowse: {
    askTitle: 'Share this page?',
    ask: (rep: string | null) => `${rep ?? 'Your support representative'} asks to see this page, so they can guide you.`,
    askDetails:
      'They will see this browser tab as you move around this web site, with your pointer, until you stop. Passwords, and parts the site marks as private, are hidden before anything leaves your browser.',
    allow: 'Share this page',
    deny: 'No, thanks',
    sharing: (rep: string | null) => `${rep ?? 'Your support representative'} can see this page.`,
    sharingHint: 'Passwords stay hidden.',
    stop: 'Stop sharing',
    region: 'Page sharing',
    stopped: 'You stopped sharing this page.',
    stoppedByRep: 'The representative no longer sees this page.',
    budget: 'Sharing stopped: this chat has reached its limit for sharing the page.',
    tooLarge: 'This page is too large to share. You can keep chatting.',
  },
  errors: {
    invalidKey: 'That session key is not valid. Please check it with your representative.',
    rateLimited: 'Too many attempts. Please wait a minute and try again.',
    linkExpired: 'This link has expired.',
    linkInvalid: 'This link is not valid.',
    repUnavailable: 'That representative is no longer available. Please choose another one.',
    chooseRep: 'Please choose a representative.',
    unknownIssue: 'Please choose one of the listed issues.',
    nameRequired: 'Please enter your name.',
    nameTooLong: 'Your name can be at most 100 characters long.',
    companyTooLong: 'The company can be at most 100 characters long.',
    detailsTooLong: 'The details can be at most 1,024 bytes long (about 1,000 letters). Please shorten them.',
    messageEmpty: 'A message cannot be empty.',
    messageTooLong: 'A message can be at most 4,000 characters long.',
    chatNotOpen: 'The chat opens when a representative accepts your request.',
    sessionEnded: 'This session has already ended.',
    notAllowed: 'This web site is not allowed to use the support chat.',
    unavailable: 'Support is not available right now. Please try again later.',
    network: 'Cannot reach the server. Check your connection and try again.',
    generic: 'Something went wrong. Please try again.',
  },
};

/** The shape every language's catalogue has. */
export type Catalogue = typeof en;
