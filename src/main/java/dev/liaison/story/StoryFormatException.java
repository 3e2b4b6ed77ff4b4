package dev.liaison.story;

/** A story or tracker file that cannot be read, with a message saying what is wrong and where. */
public class StoryFormatException extends Exception {

    public StoryFormatException(String message) {
        super(message);
    }
}
