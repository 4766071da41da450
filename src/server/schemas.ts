/** TypeBox schemas shared by routes: one schema serves validation, types and OpenAPI. */
import { Type, type Static } from '@sinclair/typebox';

export const ErrorReply = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      field: Type.Optional(Type.String()),
    }),
  },
  { $id: 'ErrorReply' },
);

export const SessionIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export const CustomerFields = {
  customerName: Type.Optional(Type.String({ maxLength: 400 })),
  customerCompany: Type.Optional(Type.String({ maxLength: 400 })),
  details: Type.Optional(Type.String({ maxLength: 8192 })),
};

export const ChatBody = Type.Object({ text: Type.String({ maxLength: 16_000 }) }, { additionalProperties: false });
export type ChatBodyT = Static<typeof ChatBody>;

export const SessionView = Type.Object(
  {
    id: Type.String(),
    state: Type.String(),
    origin: Type.String(),
    clientType: Type.String(),
    customerName: Type.String(),
    customerCompany: Type.String(),
    details: Type.String(),
    issue: Type.Union([Type.Object({ code: Type.String(), title: Type.String() }), Type.Null()]),
    priority: Type.Number(),
    requiredSkills: Type.Array(Type.String()),
    attributes: Type.Record(Type.String(), Type.String()),
    queueId: Type.Union([Type.String(), Type.Null()]),
    queueName: Type.Union([Type.String(), Type.Null()]),
    waitingSince: Type.Number(),
    overdue: Type.Boolean(),
    ownerId: Type.Union([Type.String(), Type.Null()]),
    ownerName: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.Number(),
    acceptedAt: Type.Union([Type.Number(), Type.Null()]),
    endedAt: Type.Union([Type.Number(), Type.Null()]),
    endReason: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'SessionView' },
);

export const Message = Type.Object(
  {
    seq: Type.Number(),
    at: Type.Number(),
    from: Type.Union([Type.Literal('customer'), Type.Literal('rep'), Type.Literal('system')]),
    name: Type.String(),
    text: Type.String(),
  },
  { $id: 'Message' },
);

export const CustomerSessionView = Type.Object(
  {
    id: Type.String(),
    state: Type.String(),
    queueName: Type.Union([Type.String(), Type.Null()]),
    position: Type.Union([Type.Number(), Type.Null()]),
    repName: Type.Union([Type.String(), Type.Null()]),
    participantNames: Type.Array(Type.String()),
    endReason: Type.Union([Type.String(), Type.Null()]),
    estimatedWaitMs: Type.Union([Type.Number(), Type.Null()]),
    notice: Type.String(),
    clientType: Type.String(),
  },
  { $id: 'CustomerSessionView' },
);

export const errorResponses = {
  400: Type.Ref(ErrorReply),
  401: Type.Ref(ErrorReply),
  403: Type.Ref(ErrorReply),
  404: Type.Ref(ErrorReply),
  409: Type.Ref(ErrorReply),
};
