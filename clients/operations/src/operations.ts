/**
 * Every GraphQL operation the LearnCraft clients send, as typed documents generated from the
 * public API schema (schema/api.graphql). The web app (clients/web) and the React Native app
 * (clients/mobile) both import them from here, so the file has no DOM, React or React Native
 * dependency.
 */
import { graphql } from './generated';

/** An amount as the API gives it: integer minor units, the currency and the en-US text. */
export const MoneyFields = graphql(`
  fragment MoneyFields on Money {
    amount
    currency
    formatted
  }
`);

/** Whether the viewer may learn a course (commerce): drives Enroll / Buy / Sign in to buy. */
export const CourseAccessFields = graphql(`
  fragment CourseAccessFields on CourseAccess {
    hasAccess
    reason
    expiresAt
  }
`);

export const CourseCardFields = graphql(`
  fragment CourseCardFields on Course {
    id
    slug
    title
    summary
    level
    language
    thumbnailUrl
    lessonCount
    totalDurationSeconds
    category {
      id
      slug
      name
    }
    price {
      ...MoneyFields
    }
  }
`);

export const EnrollmentSummaryFields = graphql(`
  fragment EnrollmentSummaryFields on Enrollment {
    id
    progressPercent
    enrolledAt
    completedAt
    lastActivityAt
  }
`);

export const ViewerProgressFields = graphql(`
  fragment ViewerProgressFields on LessonProgress {
    status
    positionSeconds
    completedAt
  }
`);

/**
 * A quiz lesson's attempt standing: attempts left, the cool-down and whether the answer key is
 * shown (null on other lessons). Only the lesson page asks, not the syllabus lists.
 */
export const QuizProgressFields = graphql(`
  fragment QuizProgressFields on LessonProgress {
    quiz {
      attemptsUsed
      attemptsRemaining
      passed
      answerKeyRevealed
      nextAttemptAt
      canSubmit
    }
  }
`);

export const SessionFields = graphql(`
  fragment SessionFields on Session {
    accessToken
    accessTokenExpiresAt
    refreshToken
    refreshTokenExpiresAt
    user {
      id
      displayName
      email
      # Which role-only links the navigation shows (Teaching, Payouts), without asking again.
      roles
    }
  }
`);

export const MeQuery = graphql(`
  query Me {
    me {
      id
      displayName
      email
      roles
    }
  }
`);

export const HomeQuery = graphql(`
  query Home {
    categories {
      id
      slug
      name
      description
      courseCount
    }
    courses(first: 12, orderBy: { field: PUBLISHED_AT, direction: DESC }) {
      totalCount
      edges {
        cursor
        node {
          ...CourseCardFields
        }
      }
    }
  }
`);

export const CategoriesQuery = graphql(`
  query Categories {
    categories {
      id
      slug
      name
    }
  }
`);

export const CourseListQuery = graphql(`
  query CourseList($first: Int!, $after: String, $filterBy: CourseFilter) {
    courses(first: $first, after: $after, filterBy: $filterBy, orderBy: { field: TITLE, direction: ASC }) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...CourseCardFields
        }
      }
    }
  }
`);

export const CourseSearchQuery = graphql(`
  query CourseSearch($query: String!, $first: Int!, $after: String, $filterBy: CourseFilter) {
    courseSearch(query: $query, first: $first, after: $after, filterBy: $filterBy) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...CourseCardFields
        }
      }
    }
  }
`);

export const CoursePageQuery = graphql(`
  query CoursePage($slug: String!) {
    course(slug: $slug) {
      ...CourseCardFields
      description
      instructors {
        id
        displayName
      }
      modules {
        id
        title
        summary
        position
        lessons {
          id
          title
          kind
          position
          durationSeconds
          preview
          viewerProgress {
            ...ViewerProgressFields
          }
        }
      }
      viewerEnrollment {
        ...EnrollmentSummaryFields
      }
      viewerAccess {
        ...CourseAccessFields
      }
    }
  }
`);

export const LessonPageQuery = graphql(`
  query LessonPage($slug: String!, $lessonId: ID!) {
    course(slug: $slug) {
      id
      slug
      title
      # The syllabus without content: a large course stays cheap; only this lesson's content loads.
      modules {
        id
        title
        position
        lessons {
          id
          title
          kind
          position
          viewerProgress {
            status
          }
        }
      }
      lesson(id: $lessonId) {
        id
        title
        kind
        position
        durationSeconds
        viewerProgress {
          ...ViewerProgressFields
          ...QuizProgressFields
        }
        content {
          __typename
          ... on VideoContent {
            url
            durationSeconds
            transcriptVtt
          }
          ... on ReadingContent {
            markdown
          }
          ... on QuizContent {
            passPercent
            maxAttempts
            cooldownSeconds
            questions {
              id
              prompt
              multiple
              options {
                id
                label
              }
            }
          }
          ... on LabContent {
            image
            instructions
            timeLimitMinutes
            steps {
              id
              title
              instructions
            }
          }
          ... on LockedContent {
            reason
          }
        }
        viewerLabSession {
          ...LabSessionFields
        }
      }
      viewerEnrollment {
        ...EnrollmentSummaryFields
      }
      price {
        ...MoneyFields
      }
      viewerAccess {
        ...CourseAccessFields
      }
    }
  }
`);

export const DashboardQuery = graphql(`
  query Dashboard {
    me {
      id
      displayName
      enrollments(first: 20) {
        totalCount
        edges {
          cursor
          node {
            ...EnrollmentSummaryFields
            course {
              id
              slug
              title
              thumbnailUrl
              lessonCount
            }
            lessons {
              status
              positionSeconds
              lesson {
                id
                title
                kind
              }
            }
          }
        }
      }
    }
  }
`);

export const UserRegisterMutation = graphql(`
  mutation UserRegister($input: UserRegisterInput!) {
    userRegister(input: $input) {
      session {
        ...SessionFields
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const SessionCreateMutation = graphql(`
  mutation SessionCreate($input: SessionCreateInput!) {
    sessionCreate(input: $input) {
      session {
        ...SessionFields
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const PasswordResetRequestMutation = graphql(`
  mutation PasswordResetRequest($input: PasswordResetRequestInput!) {
    passwordResetRequest(input: $input) {
      requested
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const PasswordResetCompleteMutation = graphql(`
  mutation PasswordResetComplete($input: PasswordResetCompleteInput!) {
    passwordResetComplete(input: $input) {
      user {
        id
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const SessionRefreshMutation = graphql(`
  mutation SessionRefresh($input: SessionRefreshInput!) {
    sessionRefresh(input: $input) {
      session {
        ...SessionFields
      }
      userErrors {
        code
        message
      }
    }
  }
`);

export const SessionRevokeMutation = graphql(`
  mutation SessionRevoke($input: SessionRevokeInput!) {
    sessionRevoke(input: $input) {
      revoked
      userErrors {
        code
        message
      }
    }
  }
`);

export const CourseEnrollMutation = graphql(`
  mutation CourseEnroll($input: CourseEnrollInput!) {
    courseEnroll(input: $input) {
      enrollment {
        ...EnrollmentSummaryFields
        course {
          id
          viewerEnrollment {
            id
          }
        }
      }
      userErrors {
        code
        message
      }
    }
  }
`);

/** What a progress mutation returns about the lesson, so the cached lesson updates in place. */
export const UpdatedLessonProgressFields = graphql(`
  fragment UpdatedLessonProgressFields on LessonProgress {
    ...ViewerProgressFields
    lesson {
      id
      viewerProgress {
        ...ViewerProgressFields
      }
    }
  }
`);

export const VideoProgressRecordMutation = graphql(`
  mutation VideoProgressRecord($input: VideoProgressRecordInput!) {
    videoProgressRecord(input: $input) {
      lessonProgress {
        ...UpdatedLessonProgressFields
      }
      enrollment {
        ...EnrollmentSummaryFields
      }
      userErrors {
        code
        message
      }
    }
  }
`);

export const LessonCompleteMutation = graphql(`
  mutation LessonComplete($input: LessonCompleteInput!) {
    lessonComplete(input: $input) {
      lessonProgress {
        ...UpdatedLessonProgressFields
      }
      enrollment {
        ...EnrollmentSummaryFields
      }
      userErrors {
        code
        message
      }
    }
  }
`);

export const QuizSubmitMutation = graphql(`
  mutation QuizSubmit($input: QuizSubmitInput!) {
    quizSubmit(input: $input) {
      attempt {
        id
        scorePercent
        passed
        submittedAt
        answerKeyRevealed
        results {
          questionId
          selectedOptionIds
          correct
          incorrectOptionIds
          correctOptionIds
          explanation
        }
        lesson {
          id
          viewerProgress {
            ...ViewerProgressFields
            ...QuizProgressFields
          }
        }
      }
      enrollment {
        ...EnrollmentSummaryFields
      }
      userErrors {
        code
        message
      }
    }
  }
`);

/**
 * The lesson page's live progress: the lesson that changed with the viewer's progress in it, so the
 * syllabus and the lesson update in the cache (a lab completes on the server, not by a click here).
 */
export const LessonProgressUpdatedSubscription = graphql(`
  subscription LessonProgressUpdated($courseId: ID!) {
    progressUpdated(courseId: $courseId) {
      kind
      lesson {
        id
        viewerProgress {
          ...ViewerProgressFields
        }
      }
      enrollment {
        ...EnrollmentSummaryFields
      }
    }
  }
`);

export const ProgressUpdatedSubscription = graphql(`
  subscription ProgressUpdated($courseId: ID!) {
    progressUpdated(courseId: $courseId) {
      kind
      at
      lesson {
        id
        title
      }
      enrollment {
        ...EnrollmentSummaryFields
        lessons {
          status
          positionSeconds
          lesson {
            id
            title
            kind
          }
        }
      }
    }
  }
`);

/**
 * A lab session as the lab lesson shows it. `terminalUrl` is left out on purpose: it carries a
 * single-use token valid for 60 s, so it is asked for (LabSessionQuery) only at the moment the
 * terminal connects, never kept in the cache from a status update.
 */
export const LabSessionFields = graphql(`
  fragment LabSessionFields on LabSession {
    id
    status
    progressPercent
    statusMessage
    steps {
      id
      title
      status
      lastOutput
      checkedAt
    }
    startedAt
    expiresAt
  }
`);

/** The session with a fresh terminal URL (null unless READY): asked for on every (re)connect. */
export const LabSessionQuery = graphql(`
  query LabSession($id: ID!) {
    labSession(id: $id) {
      ...LabSessionFields
      terminalUrl
    }
  }
`);

/** The session without a terminal URL (so no token is minted): the catch-up poll of useLabSession. */
export const LabSessionStatusQuery = graphql(`
  query LabSessionStatus($id: ID!) {
    labSession(id: $id) {
      ...LabSessionFields
    }
  }
`);

export const LabStartMutation = graphql(`
  mutation LabStart($input: LabStartInput!) {
    labStart(input: $input) {
      session {
        ...LabSessionFields
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const LabStopMutation = graphql(`
  mutation LabStop($input: LabStopInput!) {
    labStop(input: $input) {
      session {
        ...LabSessionFields
      }
      userErrors {
        code
        message
      }
    }
  }
`);

export const LabResetMutation = graphql(`
  mutation LabReset($input: LabResetInput!) {
    labReset(input: $input) {
      session {
        ...LabSessionFields
      }
      userErrors {
        code
        message
      }
    }
  }
`);

export const LabExtendMutation = graphql(`
  mutation LabExtend($input: LabExtendInput!) {
    labExtend(input: $input) {
      session {
        ...LabSessionFields
      }
      userErrors {
        code
        message
      }
    }
  }
`);

export const LabStepCheckMutation = graphql(`
  mutation LabStepCheck($input: LabStepCheckInput!) {
    labStepCheck(input: $input) {
      session {
        ...LabSessionFields
      }
      step {
        id
        title
        status
        lastOutput
        checkedAt
      }
      userErrors {
        code
        message
      }
    }
  }
`);

export const LabSessionUpdatedSubscription = graphql(`
  subscription LabSessionUpdated($sessionId: ID!) {
    labSessionUpdated(sessionId: $sessionId) {
      kind
      secondsLeft
      session {
        ...LabSessionFields
      }
      step {
        id
        title
        status
        lastOutput
        checkedAt
      }
    }
  }
`);

/**
 * A tutor message as the tutor panel shows it: the text, where the reply is, why it failed, the
 * passages it cites (a transcript passage with the second it starts at), the offline flag, the
 * hint level and the learner's rating.
 */
export const TutorMessageFields = graphql(`
  fragment TutorMessageFields on TutorMessage {
    id
    role
    kind
    content
    status
    error {
      code
      message
    }
    citations {
      lesson {
        id
        title
      }
      source
      heading
      snippet
      startSeconds
    }
    offline
    hintLevel
    rating {
      helpful
      comment
      ratedAt
    }
    createdAt
    completedAt
    conversation {
      id
    }
  }
`);

/** The viewer's tutor conversations about one course, most recently active first. */
export const TutorConversationsQuery = graphql(`
  query TutorConversations($courseId: ID!, $first: Int!, $after: String) {
    me {
      id
      tutorConversations(courseId: $courseId, first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            id
            title
            updatedAt
            lesson {
              id
              title
            }
          }
        }
      }
    }
  }
`);

/** One conversation with its messages, oldest first (the panel shows up to 100). */
export const TutorConversationQuery = graphql(`
  query TutorConversation($id: ID!) {
    tutorConversation(id: $id) {
      id
      title
      messages(first: 100) {
        totalCount
        edges {
          cursor
          node {
            ...TutorMessageFields
          }
        }
      }
    }
  }
`);

export const TutorAskMutation = graphql(`
  mutation TutorAsk($input: TutorAskInput!) {
    tutorAsk(input: $input) {
      conversation {
        id
        title
      }
      question {
        ...TutorMessageFields
      }
      message {
        ...TutorMessageFields
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

/** A tutor reply as it is written: text deltas, then the final message. */
export const TutorReplySubscription = graphql(`
  subscription TutorReply($messageId: ID!) {
    tutorReply(messageId: $messageId) {
      delta
      done
      message {
        ...TutorMessageFields
      }
    }
  }
`);

export const TutorMessageRateMutation = graphql(`
  mutation TutorMessageRate($input: TutorMessageRateInput!) {
    tutorMessageRate(input: $input) {
      message {
        id
        rating {
          helpful
          comment
          ratedAt
        }
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const LabHintRequestMutation = graphql(`
  mutation LabHintRequest($input: LabHintRequestInput!) {
    labHintRequest(input: $input) {
      message {
        ...TutorMessageFields
      }
      level
      userErrors {
        code
        message
      }
    }
  }
`);

export const LessonSummaryFields = graphql(`
  fragment LessonSummaryFields on LessonSummary {
    summary
    keyPoints
    offline
    generatedAt
  }
`);

/**
 * What the lesson page adds to a lesson from the ai subgraph and who may author it: the lesson's
 * summary, the course's instructors and the viewer's roles. Asked apart from LessonPage, so the
 * tutor being unavailable never takes a lesson down.
 */
export const LessonExtrasQuery = graphql(`
  query LessonExtras($slug: String!, $lessonId: ID!) {
    me {
      id
      roles
    }
    course(slug: $slug) {
      id
      instructors {
        id
      }
      lesson(id: $lessonId) {
        id
        summary {
          ...LessonSummaryFields
        }
      }
    }
  }
`);

export const LessonSummarizeMutation = graphql(`
  mutation LessonSummarize($input: LessonSummarizeInput!) {
    lessonSummarize(input: $input) {
      lesson {
        id
        summary {
          ...LessonSummaryFields
        }
      }
      userErrors {
        code
        message
      }
    }
  }
`);

export const QuizDraftFields = graphql(`
  fragment QuizDraftFields on QuizDraft {
    id
    status
    offline
    createdAt
    questions {
      id
      prompt
      multiple
      options {
        label
        correct
      }
      explanation
      sourceLesson {
        id
        title
      }
    }
  }
`);

export const QuizDraftsQuery = graphql(`
  query QuizDrafts($lessonId: ID!) {
    quizDrafts(lessonId: $lessonId) {
      ...QuizDraftFields
    }
  }
`);

export const QuizDraftGenerateMutation = graphql(`
  mutation QuizDraftGenerate($input: QuizDraftGenerateInput!) {
    quizDraftGenerate(input: $input) {
      draft {
        ...QuizDraftFields
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const QuizDraftAcceptMutation = graphql(`
  mutation QuizDraftAccept($input: QuizDraftAcceptInput!) {
    quizDraftAccept(input: $input) {
      draft {
        id
        status
      }
      lesson {
        id
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const QuizDraftDiscardMutation = graphql(`
  mutation QuizDraftDiscard($input: QuizDraftDiscardInput!) {
    quizDraftDiscard(input: $input) {
      draft {
        id
        status
      }
      userErrors {
        code
        message
      }
    }
  }
`);

// Commerce: prices, plans, checkout, orders and refunds, and the instructor's and admin's views.

export const PlanFields = graphql(`
  fragment PlanFields on Plan {
    id
    code
    name
    description
    interval
    perSeat
    price {
      ...MoneyFields
    }
  }
`);

export const PlanSubscriptionFields = graphql(`
  fragment PlanSubscriptionFields on PlanSubscription {
    id
    status
    currentPeriodStart
    currentPeriodEnd
    renews
    plan {
      id
      name
      interval
    }
  }
`);

/** The plans on sale, cheapest first (the course page's "from $19.00/month" is the first). */
export const PlansQuery = graphql(`
  query Plans {
    plans {
      ...PlanFields
    }
  }
`);

export const PlanSubscriptionQuery = graphql(`
  query PlanSubscription {
    me {
      id
      planSubscription {
        ...PlanSubscriptionFields
      }
    }
  }
`);

export const PlanSubscriptionCancelMutation = graphql(`
  mutation PlanSubscriptionCancel($input: PlanSubscriptionCancelInput!) {
    planSubscriptionCancel(input: $input) {
      planSubscription {
        ...PlanSubscriptionFields
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

/** An order line (or a quoted one): what it is, its price, its share of the discount and its total. */
export const OrderLineFields = graphql(`
  fragment OrderLineFields on OrderLine {
    id
    title
    unitPrice {
      ...MoneyFields
    }
    discount {
      ...MoneyFields
    }
    total {
      ...MoneyFields
    }
    course {
      id
      slug
    }
    plan {
      id
      name
    }
  }
`);

export const CheckoutQuoteQuery = graphql(`
  query CheckoutQuote($input: CheckoutQuoteInput!) {
    checkoutQuote(input: $input) {
      lines {
        ...OrderLineFields
      }
      subtotal {
        ...MoneyFields
      }
      discount {
        ...MoneyFields
      }
      total {
        ...MoneyFields
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const OrderFields = graphql(`
  fragment OrderFields on Order {
    id
    number
    status
    createdAt
    paidAt
    couponCode
    lines {
      ...OrderLineFields
    }
    subtotal {
      ...MoneyFields
    }
    discount {
      ...MoneyFields
    }
    total {
      ...MoneyFields
    }
    payment {
      provider
      checkoutUrl
      cardLast4
      declineReason
    }
    receipt {
      number
      issuedAt
      billedTo
    }
    refund {
      id
      amount {
        ...MoneyFields
      }
      reason
      createdAt
    }
  }
`);

export const CheckoutCreateMutation = graphql(`
  mutation CheckoutCreate($input: CheckoutCreateInput!) {
    checkoutCreate(input: $input) {
      order {
        ...OrderFields
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const OrderQuery = graphql(`
  query Order($id: ID!) {
    order(id: $id) {
      ...OrderFields
      refundEligibility {
        eligible
        reason
        deadline
      }
    }
  }
`);

export const OrdersQuery = graphql(`
  query Orders($first: Int!, $after: String) {
    me {
      id
      orders(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            id
            number
            status
            createdAt
            total {
              ...MoneyFields
            }
            lines {
              id
              title
            }
          }
        }
      }
    }
  }
`);

export const OrderRefundMutation = graphql(`
  mutation OrderRefund($input: OrderRefundInput!) {
    orderRefund(input: $input) {
      order {
        ...OrderFields
        refundEligibility {
          eligible
          reason
          deadline
        }
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const CouponFields = graphql(`
  fragment CouponFields on Coupon {
    id
    code
    kind
    percentOff
    amountOff {
      ...MoneyFields
    }
    validFrom
    validUntil
    maxRedemptions
    redemptionCount
    active
    createdAt
    courses {
      id
      title
    }
  }
`);

export const TeachingQuery = graphql(`
  query Teaching {
    me {
      id
      coursesTaught(first: 100) {
        totalCount
        edges {
          cursor
          node {
            id
            slug
            title
            price {
              ...MoneyFields
            }
          }
        }
      }
      earnings {
        totals {
          ...MoneyFields
        }
        salesCount
        entries(first: 20) {
          totalCount
          edges {
            cursor
            node {
              id
              amount {
                ...MoneyFields
              }
              createdAt
              course {
                id
                title
              }
              order {
                id
                number
              }
            }
          }
        }
      }
    }
    coupons(first: 100) {
      totalCount
      edges {
        cursor
        node {
          ...CouponFields
        }
      }
    }
  }
`);

export const CoursePriceSetMutation = graphql(`
  mutation CoursePriceSet($input: CoursePriceSetInput!) {
    coursePriceSet(input: $input) {
      course {
        id
        price {
          ...MoneyFields
        }
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const CouponCreateMutation = graphql(`
  mutation CouponCreate($input: CouponCreateInput!) {
    couponCreate(input: $input) {
      coupon {
        ...CouponFields
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const CouponDeactivateMutation = graphql(`
  mutation CouponDeactivate($input: CouponDeactivateInput!) {
    couponDeactivate(input: $input) {
      coupon {
        id
        active
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const PayoutsReportQuery = graphql(`
  query PayoutsReport($from: DateTime!, $to: DateTime!) {
    payoutsReport(from: $from, to: $to) {
      from
      to
      payouts {
        instructor {
          id
          displayName
          email
        }
        amount {
          ...MoneyFields
        }
        salesCount
        refundCount
      }
      grossSales {
        ...MoneyFields
      }
      platformShare {
        ...MoneyFields
      }
    }
  }
`);

/** One person's place in an organization, as the console's member list shows it. */
export const OrganizationMemberFields = graphql(`
  fragment OrganizationMemberFields on OrganizationMember {
    role
    joinedAt
    user {
      id
      displayName
      email
    }
  }
`);

export const OrganizationInvitationFields = graphql(`
  fragment OrganizationInvitationFields on OrganizationInvitation {
    id
    email
    role
    status
    createdAt
    expiresAt
    acceptedAt
    invitedBy {
      id
      displayName
    }
    organization {
      id
      name
    }
  }
`);

/** An API key without its secret (which only apiKeyCreate and apiKeyRotate return, once). */
export const ApiKeyFields = graphql(`
  fragment ApiKeyFields on ApiKey {
    id
    name
    prefix
    scopes
    createdAt
    lastUsedAt
    expiresAt
    revokedAt
  }
`);

export const WebhookEndpointFields = graphql(`
  fragment WebhookEndpointFields on WebhookEndpoint {
    id
    url
    description
    events
    enabled
    createdAt
  }
`);

export const WebhookDeliveryFields = graphql(`
  fragment WebhookDeliveryFields on WebhookDelivery {
    id
    eventId
    eventType
    payload
    status
    nextAttemptAt
    createdAt
    attempts {
      at
      responseStatus
      durationMs
      error
    }
  }
`);

/** One row of the organization's progress report (and of its CSV export). */
export const OrganizationEnrollmentFields = graphql(`
  fragment OrganizationEnrollmentFields on Enrollment {
    id
    progressPercent
    completedAt
    updatedAt
    user {
      id
      displayName
      email
    }
    course {
      id
      slug
      title
    }
  }
`);

/** The viewer's organizations with their role, and the invitations waiting for them. */
export const MyOrganizationsQuery = graphql(`
  query MyOrganizations {
    me {
      id
      organizationMemberships {
        role
        joinedAt
        organization {
          id
          name
          memberCount
        }
      }
      organizationInvitations {
        ...OrganizationInvitationFields
      }
    }
  }
`);

/** The organization console's frame: the organization and the viewer's role in it. */
export const OrganizationQuery = graphql(`
  query Organization($id: ID!) {
    organization(id: $id) {
      id
      name
      createdAt
      viewerRole
      memberCount
    }
  }
`);

export const OrganizationMembersQuery = graphql(`
  query OrganizationMembers($id: ID!, $first: Int, $after: String) {
    organization(id: $id) {
      id
      members(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            ...OrganizationMemberFields
          }
        }
      }
    }
  }
`);

export const OrganizationInvitationsQuery = graphql(`
  query OrganizationInvitations($id: ID!, $first: Int, $after: String) {
    organization(id: $id) {
      id
      invitations(first: $first, after: $after, status: PENDING) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            ...OrganizationInvitationFields
          }
        }
      }
    }
  }
`);

/** The seats and the team plans that buy more. */
export const OrganizationSeatsQuery = graphql(`
  query OrganizationSeats($id: ID!) {
    organization(id: $id) {
      id
      seats {
        total
        used
        available
        expiresAt
      }
    }
    plans {
      id
      code
      name
      interval
      perSeat
      price {
        ...MoneyFields
      }
    }
  }
`);

export const OrganizationApiKeysQuery = graphql(`
  query OrganizationApiKeys($id: ID!, $first: Int, $after: String) {
    organization(id: $id) {
      id
      apiKeys(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            ...ApiKeyFields
          }
        }
      }
    }
  }
`);

export const OrganizationWebhooksQuery = graphql(`
  query OrganizationWebhooks($id: ID!, $first: Int, $after: String) {
    organization(id: $id) {
      id
      webhookEndpoints(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            ...WebhookEndpointFields
          }
        }
      }
    }
  }
`);

/** One endpoint's latest deliveries, newest first (the console's delivery log). */
export const WebhookDeliveriesQuery = graphql(`
  query WebhookDeliveries($endpointId: ID!, $first: Int) {
    webhookEndpoint(id: $endpointId) {
      id
      deliveries(first: $first) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            ...WebhookDeliveryFields
          }
        }
      }
    }
  }
`);

/** A page of the members' enrollments, filtered by course and updatedSince (incremental sync). */
export const OrganizationEnrollmentsQuery = graphql(`
  query OrganizationEnrollments(
    $id: ID!
    $first: Int
    $after: String
    $filterBy: OrganizationEnrollmentFilter
  ) {
    organization(id: $id) {
      id
      enrollments(first: $first, after: $after, filterBy: $filterBy) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            ...OrganizationEnrollmentFields
          }
        }
      }
    }
  }
`);

/** What an invitation link shows before it is accepted. */
export const OrganizationInvitationByTokenQuery = graphql(`
  query OrganizationInvitationByToken($token: String!) {
    organizationInvitation(token: $token) {
      ...OrganizationInvitationFields
    }
  }
`);

export const OrganizationCreateMutation = graphql(`
  mutation OrganizationCreate($input: OrganizationCreateInput!) {
    organizationCreate(input: $input) {
      organization {
        id
        name
        viewerRole
        memberCount
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const OrganizationMemberInviteMutation = graphql(`
  mutation OrganizationMemberInvite($input: OrganizationMemberInviteInput!) {
    organizationMemberInvite(input: $input) {
      invitation {
        ...OrganizationInvitationFields
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const OrganizationInvitationRevokeMutation = graphql(`
  mutation OrganizationInvitationRevoke($input: OrganizationInvitationRevokeInput!) {
    organizationInvitationRevoke(input: $input) {
      invitation {
        id
        status
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const OrganizationInvitationAcceptMutation = graphql(`
  mutation OrganizationInvitationAccept($input: OrganizationInvitationAcceptInput!) {
    organizationInvitationAccept(input: $input) {
      member {
        role
        organization {
          id
          name
        }
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const OrganizationMemberRemoveMutation = graphql(`
  mutation OrganizationMemberRemove($input: OrganizationMemberRemoveInput!) {
    organizationMemberRemove(input: $input) {
      removedUser {
        id
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const OrganizationMemberRoleSetMutation = graphql(`
  mutation OrganizationMemberRoleSet($input: OrganizationMemberRoleSetInput!) {
    organizationMemberRoleSet(input: $input) {
      member {
        ...OrganizationMemberFields
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const ApiKeyCreateMutation = graphql(`
  mutation ApiKeyCreate($input: ApiKeyCreateInput!) {
    apiKeyCreate(input: $input) {
      apiKey {
        ...ApiKeyFields
      }
      secret
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const ApiKeyRotateMutation = graphql(`
  mutation ApiKeyRotate($input: ApiKeyRotateInput!) {
    apiKeyRotate(input: $input) {
      apiKey {
        ...ApiKeyFields
      }
      secret
      previousApiKey {
        ...ApiKeyFields
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const ApiKeyRevokeMutation = graphql(`
  mutation ApiKeyRevoke($input: ApiKeyRevokeInput!) {
    apiKeyRevoke(input: $input) {
      apiKey {
        ...ApiKeyFields
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const WebhookEndpointCreateMutation = graphql(`
  mutation WebhookEndpointCreate($input: WebhookEndpointCreateInput!) {
    webhookEndpointCreate(input: $input) {
      endpoint {
        ...WebhookEndpointFields
      }
      signingSecret
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const WebhookEndpointUpdateMutation = graphql(`
  mutation WebhookEndpointUpdate($input: WebhookEndpointUpdateInput!) {
    webhookEndpointUpdate(input: $input) {
      endpoint {
        ...WebhookEndpointFields
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const WebhookEndpointDeleteMutation = graphql(`
  mutation WebhookEndpointDelete($input: WebhookEndpointDeleteInput!) {
    webhookEndpointDelete(input: $input) {
      deletedEndpointId
      userErrors {
        code
        message
        field
      }
    }
  }
`);

export const WebhookDeliveryRedeliverMutation = graphql(`
  mutation WebhookDeliveryRedeliver($input: WebhookDeliveryRedeliverInput!) {
    webhookDeliveryRedeliver(input: $input) {
      delivery {
        ...WebhookDeliveryFields
      }
      userErrors {
        code
        message
        field
      }
    }
  }
`);
